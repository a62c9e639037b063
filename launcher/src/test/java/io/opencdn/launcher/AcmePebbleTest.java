package io.opencdn.launcher;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates issued through our own DNS, end to end: Pebble (the ACME test server) sends its DNS
 * lookups to a real {@link DnsServer} of the cluster; two edges in the same cluster order one
 * certificate for {@code www.cdn.test}, {@code cdn.test} and {@code *.cdn.test} through DNS-01 (one
 * of them, under the cluster lock), both serve it over HTTPS to a client that trusts only Pebble's
 * root, renew it at two thirds of its (short) lifetime while a client keeps a connection open
 * (which then still works), and a restarted edge serves the stored certificate without ordering.
 * Pebble rejects 30% of valid nonces throughout ({@code PEBBLE_WFE_NONCEREJECT=30}): the orders go
 * through anyway.
 */
class AcmePebbleTest {

  private static final String TOKEN = "acme-test-token-0123456789";
  private static final long VALIDITY_SECONDS = 45;

  @TempDir Path dir;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<EdgeNode> edges = new ArrayList<>();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private DnsServer dns;
  private Pebble pebble;

  @AfterEach
  void tearDown() {
    edges.forEach(e -> e.stop().toCompletionStage().toCompletableFuture().join());
    if (dns != null) {
      await(dns.stop());
    }
    vertxes.forEach(v -> await(v.close()));
    members.forEach(m -> m.getLifecycleService().terminate());
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
    String cluster =
        "{name: acme-test, secret: %s, bind: 127.0.0.1:%%d, members: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]}"
            .formatted(secret, hz[0], hz[1], hz[2]);

    DnsConfig dnsConfig =
        ConfigLoader.parse(
            """
            listen: 127.0.0.1:0
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
            cluster: %s
            """
                .formatted(cluster.formatted(hz[0])),
            "dns.yaml",
            DnsConfig.class);
    HazelcastInstance dnsMember =
        ClusterNode.start(dnsConfig.cluster(), "acme-dns-" + hz[0], false);
    members.add(dnsMember);
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    dns = new DnsServer(v, dnsConfig, "classpath:demo/dns.yaml", dnsMember, Clock.systemUTC());
    int dnsPort = await(dns.start());

    pebble = Pebble.start(dir, dnsPort, VALIDITY_SECONDS, Map.of("PEBBLE_WFE_NONCEREJECT", "30"));
    TestCertificates.Pem fallback = TestCertificates.selfSigned(dir, "default.invalid");
    List<EdgeConfig> configs = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      configs.add(
          ConfigLoader.parse(
              """
              id: edge-%d
              latitude: 50
              longitude: 8
              listen: 127.0.0.1:%d
              adminToken: %s
              tls:
                listen: 127.0.0.1:%d
                certificates: [{cert: "%s", key: "%s"}]
                acme:
                  directory: %s
                  contact: mailto:ops@cdn.test
                  hosts: [www.cdn.test, cdn.test, "*.cdn.test"]
                  trustRoot: "%s"
                  retrySeconds: 1
                  retryMaxSeconds: 4
                  settleMillis: 200
              distributions: [{host: "*", origin: "http://127.0.0.1:9"}]
              cluster: %s
              """
                  .formatted(
                      i,
                      Pebble.freePort(),
                      TOKEN,
                      Pebble.freePort(),
                      fallback.cert(),
                      fallback.key(),
                      pebble.directory(),
                      pebble.httpsCert,
                      cluster.formatted(hz[i])),
              "edge-" + i + ".yaml",
              EdgeConfig.class));
    }
    for (int i = 0; i < 2; i++) {
      HazelcastInstance m =
          ClusterNode.start(configs.get(i).cluster(), "acme-edge-" + hz[i + 1], false);
      members.add(m);
      edges.add(start(configs.get(i), m));
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
      Vertx again = Vertx.vertx();
      vertxes.add(again);
      EdgeNode restarted = new EdgeNode(again, configs.get(1), members.get(2), Clock.systemUTC());
      edges.set(1, restarted);
      await(restarted.start());
      Await.until(
          Duration.ofSeconds(10),
          () -> renewed.equals(serial(restarted, "www.cdn.test", pebbleRoot)));
      assertThat(issued(restarted)).isZero();
    }
  }

  private EdgeNode start(EdgeConfig cfg, HazelcastInstance hz) {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    EdgeNode e = new EdgeNode(v, cfg, hz, Clock.systemUTC());
    await(e.start());
    return e;
  }

  /** The serial of the certificate {@code edge} serves for {@code host}, null when untrusted. */
  private static String serial(EdgeNode edge, String host, SSLContext trust) {
    try (SSLSocket s = connect(edge.tlsPort(), host, trust)) {
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return leaf.getSerialNumber().toString(16);
    } catch (IOException e) {
      return null;
    }
  }

  /** A TLS connection to 127.0.0.1:port naming {@code host}, the host name checked. */
  private static SSLSocket connect(int port, String host, SSLContext trust) throws IOException {
    Socket raw = new Socket();
    raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(raw, host, port, true);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(host)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    s.setSSLParameters(p);
    s.setSoTimeout(5000);
    s.startHandshake();
    return s;
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

  private static int issued(EdgeNode edge) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + edge.port() + "/_cdn/acme"))
                      .header("Authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body()).getInteger("issuedHere");
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static SSLContext trusting(String pem) throws Exception {
    List<X509Certificate> roots = new ArrayList<>();
    for (var c :
        CertificateFactory.getInstance("X.509")
            .generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
      roots.add((X509Certificate) c);
    }
    return Pebble.trusting(roots);
  }
}
