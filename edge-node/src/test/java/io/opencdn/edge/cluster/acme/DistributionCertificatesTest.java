package io.opencdn.edge.cluster.acme;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.edge.tls.CertificateSet;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificates of {@code certificate: {cert, key}} distributions: served when a version names
 * them, served again when their files change, no longer served when a version drops them.
 */
class DistributionCertificatesTest {

  @TempDir Path dir;

  private static String doc(String certificate) {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins: [{id: o, url: "http://127.0.0.1:9"}]
            behaviors: [{path: "*", target: o}]
            %s
        """
        .formatted(certificate);
  }

  @Test
  void followsTheFilesTheDistributionsName() throws Exception {
    Path cert = Files.writeString(dir.resolve("www.pem"), "chain one");
    Path key = Files.writeString(dir.resolve("www.key"), "key one");
    AtomicReference<List<CertificateSet.Pem>> served = new AtomicReference<>(List.of());
    Vertx v = Vertx.vertx();
    try (TestCluster cluster = TestCluster.start("dist-certs", 1)) {
      DistributionCertificates certs = certificates(v, cluster, 100, served);
      certs.activate(
          DistributionsParser.parse(
              doc("certificate: {cert: \"%s\", key: \"%s\"}".formatted(cert, key)), "d.yaml"));
      assertThat(served.get()).as("nothing before start").isEmpty();
      await(certs.start());
      Await.until(Duration.ofSeconds(5), () -> text(served.get()).equals("chain one|key one"));

      Files.writeString(cert, "chain two");
      Files.writeString(key, "key two");
      Await.until(Duration.ofSeconds(5), () -> text(served.get()).equals("chain two|key two"));

      certs.activate(DistributionsParser.parse(doc("certificate: acme"), "d.yaml"));
      Await.until(Duration.ofSeconds(5), () -> served.get().isEmpty());
      assertThat(certs.stats().getJsonObject("problems").getString("www"))
          .as("acme asked of an edge without tls.acme")
          .contains("tls.acme");
      certs.stop();
    } finally {
      await(v.close());
    }
  }

  @Test
  void aChangeOfTheFilesIsSeenWithoutWaitingForThePeriodicCheck() throws Exception {
    Path cert = Files.writeString(dir.resolve("img.pem"), "chain one");
    Path key = Files.writeString(dir.resolve("img.key"), "key one");
    AtomicReference<List<CertificateSet.Pem>> served = new AtomicReference<>(List.of());
    Vertx v = Vertx.vertx();
    try (TestCluster cluster = TestCluster.start("dist-certs-watch", 1)) {
      // the periodic check once an hour: only the OS's notice can be seen here
      DistributionCertificates certs = certificates(v, cluster, 3_600_000, served);
      await(certs.start());
      certs.activate(
          DistributionsParser.parse(
              doc("certificate: {cert: \"%s\", key: \"%s\"}".formatted(cert, key)), "d.yaml"));
      Await.until(Duration.ofSeconds(5), () -> text(served.get()).equals("chain one|key one"));

      Path next = Files.writeString(dir.resolve("img.pem.new"), "chain two");
      Files.move(next, cert, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Files.writeString(key, "key two");
      Await.until(Duration.ofSeconds(5), () -> text(served.get()).equals("chain two|key two"));
      certs.stop();
    } finally {
      await(v.close());
    }
  }

  /** The certificates of edge-1 without tls.acme, telling {@code served} what it serves. */
  private static DistributionCertificates certificates(
      Vertx v,
      TestCluster cluster,
      int watchMillis,
      AtomicReference<List<CertificateSet.Pem>> served) {
    return new DistributionCertificates(
        v,
        cluster.member(0),
        "edge-1",
        null,
        "a-cluster-secret-0123456789",
        watchMillis,
        Clock.systemUTC(),
        pems -> {
          served.set(pems);
          return Future.succeededFuture();
        });
  }

  private static String text(List<CertificateSet.Pem> pems) {
    return pems.size() != 1
        ? ""
        : new String(pems.get(0).cert(), StandardCharsets.UTF_8)
            + "|"
            + new String(pems.get(0).key(), StandardCharsets.UTF_8);
  }
}
