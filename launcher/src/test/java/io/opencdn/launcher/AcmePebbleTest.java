package io.opencdn.launcher;

import static io.opencdn.launcher.AcmeCluster.connect;
import static io.opencdn.launcher.AcmeCluster.serial;
import static io.opencdn.launcher.AcmeCluster.trusting;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.AdminToken;
import io.opencdn.dns.DnsServer;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.ExternalTool;
import io.opencdn.testing.SelfSigned;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates issued through our own DNS, end to end: Pebble (the ACME test server) sends its DNS
 * lookups to a real {@link DnsServer} of the cluster; two edges in the same cluster order one
 * certificate for {@code www.cdn.test}, {@code cdn.test} and {@code *.cdn.test} through DNS-01 (one
 * of them, under the cluster lock), both serve it over HTTPS to clients that trust only Pebble's
 * root (the JDK's, and {@code curl --cacert}), renew it at two thirds of its (short) lifetime while
 * a client keeps a connection open (which then still works), and a restarted edge serves the stored
 * certificate without ordering. Pebble rejects 30% of valid nonces throughout ({@code
 * PEBBLE_WFE_NONCEREJECT=30}): the orders go through anyway.
 */
class AcmePebbleTest {

  private static final String TOKEN = "acme-test-token-0123456789";
  private static final long VALIDITY_SECONDS = 45;

  @TempDir Path dir;

  private final AcmeCluster cluster = new AcmeCluster("acme-test", TOKEN);
  private final List<EdgeNode> edges = cluster.edges;
  private Pebble pebble;

  @AfterEach
  void tearDown() {
    cluster.stop();
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void issuesThroughOurDnsServesOnEveryEdgeRenewsWithoutDroppingAndSurvivesARestart()
      throws Exception {
    Pebble.require();
    String secret = AdminToken.random();
    int[] hz = {Pebble.freePort(), Pebble.freePort(), Pebble.freePort()};
    String members = cluster.clusterTemplate(secret, hz);
    int dnsPort = cluster.startDns(0, 20, members.formatted(hz[0]));

    pebble = Pebble.start(dir, dnsPort, VALIDITY_SECONDS, Map.of("PEBBLE_WFE_NONCEREJECT", "30"));
    SelfSigned.Pem fallback = TestCertificates.selfSigned(dir, "default.invalid");
    List<EdgeConfig> configs = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      configs.add(
          AcmeCluster.edgeConfig(
              i,
              Pebble.freePort(),
              Pebble.freePort(),
              TOKEN,
              fallback,
              pebble,
              """
              contact: mailto:ops@cdn.test
              hosts: [www.cdn.test, cdn.test, "*.cdn.test"]
              """,
              members.formatted(hz[i])));
    }
    for (int i = 0; i < 2; i++) {
      cluster.startEdge(configs.get(i));
    }
    SSLContext pebbleRoot = trusting(pebble.root());

    // issued once, served by both edges for the two hosts and a name under the wildcard
    Await.until(
        Duration.ofSeconds(90),
        () ->
            serial(edges.get(0), "www.cdn.test", pebbleRoot) != null
                && serial(edges.get(1), "www.cdn.test", pebbleRoot) != null);
    String first = serial(edges.get(0), "www.cdn.test", pebbleRoot);
    for (EdgeNode e : edges) {
      for (String host : List.of("www.cdn.test", "cdn.test", "shop.cdn.test")) {
        assertThat(serial(e, host, pebbleRoot)).as(host).isEqualTo(first);
      }
    }
    assertThat(issued(edges.get(0)) + issued(edges.get(1)))
        .as("one order, one member")
        .isEqualTo(1);
    // what a user checks: curl trusting Pebble's root alone accepts every edge's certificate
    Path root = java.nio.file.Files.writeString(dir.resolve("pebble-root.pem"), pebble.root());
    for (EdgeNode e : edges) {
      for (String host : List.of("www.cdn.test", "shop.cdn.test")) {
        assertThat(curl(host, e.tlsPort(), root)).as(host + " at " + e.tlsPort()).isZero();
      }
    }

    // a client keeps a connection open across the renewal
    try (SSLSocket open = connect(edges.get(0).tlsPort(), "www.cdn.test", pebbleRoot)) {
      assertThat(exchange(open)).startsWith("HTTP/1.1 ");
      Await.until(
          Duration.ofSeconds(VALIDITY_SECONDS * 2),
          () -> {
            String now = serial(edges.get(0), "www.cdn.test", pebbleRoot);
            return now != null && !now.equals(first);
          });
      String renewed = serial(edges.get(0), "www.cdn.test", pebbleRoot);
      Await.until(
          Duration.ofSeconds(5),
          () -> renewed.equals(serial(edges.get(1), "cdn.test", pebbleRoot)));
      assertThat(exchange(open)).as("the open connection still works").startsWith("HTTP/1.1 ");
      assertThat(issued(edges.get(0)) + issued(edges.get(1))).isEqualTo(2);

      // a restarted edge serves the stored certificate and orders nothing
      await(edges.get(1).stop());
      edges.remove(1);
      EdgeNode restarted = cluster.startEdge(configs.get(1), cluster.member(2));
      Await.until(
          Duration.ofSeconds(10),
          () -> renewed.equals(serial(restarted, "www.cdn.test", pebbleRoot)));
      assertThat(issued(restarted)).isZero();
    }
  }

  /** One keep-alive request on {@code s}; yields the response's status line. */
  private static String exchange(SSLSocket s) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        "GET /_cdn/health HTTP/1.1\r\nHost: www.cdn.test\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed after " + head);
      }
      head.append((char) c);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  private int issued(EdgeNode edge) {
    return cluster.acme(edge).getInteger("issuedHere");
  }

  /** {@code curl --cacert root https://host:port/}'s exit code (0: the certificate verified). */
  private static int curl(String host, int port, Path root) throws Exception {
    ExternalTool.require("curl", ExternalTool.onPath("curl"), "the Debian package curl");
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "--max-time",
                "10",
                "--cacert",
                root.toString(),
                "--resolve",
                host + ":" + port + ":127.0.0.1",
                "https://" + host + ":" + port + "/")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("curl did not finish: " + out);
    }
    if (p.exitValue() != 0) {
      System.err.println("curl " + host + ":" + port + ": " + out);
    }
    return p.exitValue();
  }
}
