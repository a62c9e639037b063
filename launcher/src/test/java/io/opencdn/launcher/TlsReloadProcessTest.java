package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.SelfSigned;
import io.opencdn.testing.TlsProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates replaced on disk reach new handshakes of {@code ./cdn edge --config FILE} as users
 * start it, without a restart and without closing a connection that is open: picked up by the file
 * watch, on SIGHUP, and on {@code POST /_cdn/tls/reload} with the admin token. The process logs its
 * TLS engine (OpenSSL on this platform).
 */
class TlsReloadProcessTest {

  static final String HOST = "www.tls.test";
  static final String TOKEN = "tls-reload-token-0123456789";

  @TempDir Path dir;
  CommandProcess edge;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (edge != null) {
      edge.stop();
    }
  }

  @Test
  void watchedFilesAreReloadedWhileAConnectionStaysOpen() throws Exception {
    SelfSigned.Pem pem = TestCertificates.selfSigned(dir, HOST);
    int tls = startEdge(pem, 200);
    try (TlsProbe open = probe(tls)) {
      String before = open.fingerprint();
      assertThat(health(open)).isEqualTo(200);

      TestCertificates.selfSigned(dir, HOST); // new key and certificate in the same files

      assertThat(awaitCertificateOtherThan(tls, before)).isNotEqualTo(before);
      assertThat(health(open)).as("the open connection still answers").isEqualTo(200);
    }
    edge.await(
        Pattern.compile("TLS certificates reloaded: \\[\\[" + Pattern.quote(HOST) + "\\]"),
        Duration.ofSeconds(5));
  }

  @Test
  void sighupAndTheAdminCallReload() throws Exception {
    SelfSigned.Pem pem = TestCertificates.selfSigned(dir, HOST);
    int tls = startEdge(pem, 0); // no watch: only the signal and the admin call
    try (TlsProbe open = probe(tls)) {
      String first = open.fingerprint();

      TestCertificates.selfSigned(dir, HOST);
      String second;
      if (edge.output().contains("SIGHUP is ignored by this process")) {
        // started with SIGHUP ignored (this JVM inherited it, e.g. a build under nohup): the edge
        // says so at start, as checked here, and the admin call below still reloads
        second = first;
      } else {
        new ProcessBuilder("kill", "-HUP", Long.toString(edge.pid())).start().waitFor();
        second = awaitCertificateOtherThan(tls, first);
        assertThat(second).isNotEqualTo(first);
      }

      TestCertificates.selfSigned(dir, HOST);
      HttpClient http = HttpClient.newHttpClient();
      String adminUrl = "http://127.0.0.1:" + httpPort + "/_cdn/tls/reload";
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(URI.create(adminUrl))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .header("Host", HOST)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      HttpResponse<String> reloaded =
          http.send(
              HttpRequest.newBuilder(URI.create(adminUrl))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .header("Host", HOST)
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(reloaded.statusCode()).isEqualTo(200);
      assertThat(reloaded.body()).contains("\"changed\":true");
      try (TlsProbe fresh = probe(tls)) {
        assertThat(fresh.fingerprint()).isNotEqualTo(second).isNotEqualTo(first);
      }
      assertThat(health(open)).as("the connection opened first still answers").isEqualTo(200);
      assertThat(open.fingerprint()).isEqualTo(first);
    }
  }

  @Test
  void aKeyThatDoesNotBelongToTheCertificateStopsTheStartWithTheFileNamed() throws Exception {
    SelfSigned.Pem pem = TestCertificates.selfSigned(dir, HOST);
    SelfSigned.Pem other = TestCertificates.selfSigned(dir, "other.tls.test");
    Files.copy(other.key(), pem.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    edge = CommandProcess.start("edge", "edge", "--config", writeConfig(pem, 0).toString());
    edge.await(
        Pattern.compile(
            "edge: "
                + Pattern.quote(pem.key().toString())
                + ": the private key does not belong to the certificate in "
                + Pattern.quote(pem.cert().toString())),
        Duration.ofSeconds(90));
    assertThat(edge.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
  }

  int httpPort;

  private Path writeConfig(SelfSigned.Pem pem, int watchMillis) throws Exception {
    Path config = dir.resolve("edge.yaml");
    Files.writeString(
        config,
        """
        id: tls-edge
        region: test
        latitude: 50
        longitude: 8
        listen: 127.0.0.1:0
        adminToken: %s
        # the probe's connection waits through reloads before its first request: on a loaded
        # machine that takes longer than the default request-head timeout (10 s, slowloris guard)
        connections: {headerTimeoutMillis: 300000, keepAliveTimeoutMillis: 300000}
        tls:
          listen: 127.0.0.1:0
          certificates:
            - {cert: "%s", key: "%s"}
          watchMillis: %d
        distributions:
          - {host: %s, origin: "http://127.0.0.1:9"}
        """
            .formatted(TOKEN, pem.cert(), pem.key(), watchMillis, HOST));
    return config;
  }

  private int startEdge(SelfSigned.Pem pem, int watchMillis) throws Exception {
    Path config = writeConfig(pem, watchMillis);
    edge = CommandProcess.start("edge", "edge", "--config", config.toString());
    int tls =
        Integer.parseInt(
            edge.await(
                    Pattern.compile("edge tls-edge listening on https://127\\.0\\.0\\.1:(\\d+)"),
                    Duration.ofSeconds(90))
                .group(1));
    httpPort =
        Integer.parseInt(
            edge.await(
                    Pattern.compile("edge tls-edge listening on http://127\\.0\\.0\\.1:(\\d+)"),
                    Duration.ofSeconds(30))
                .group(1));
    edge.await(Pattern.compile("TLS engine openssl"), Duration.ofSeconds(1));
    return tls;
  }

  private static String awaitCertificateOtherThan(int port, String before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try (TlsProbe p = probe(port)) {
        String now = p.fingerprint();
        if (!now.equals(before) || System.nanoTime() > deadline) {
          return now;
        }
      }
      Thread.sleep(50);
    }
  }

  /** One TLS 1.3 keep-alive connection to the edge (any certificate accepted). */
  private static TlsProbe probe(int port) throws Exception {
    return new TlsProbe(port, "TLSv1.3", HOST);
  }

  /** GET /_cdn/health on {@code probe}'s connection; yields the status. */
  private static int health(TlsProbe probe) throws Exception {
    return Integer.parseInt(probe.get(HOST, "/_cdn/health").substring(0, 3));
  }
}
