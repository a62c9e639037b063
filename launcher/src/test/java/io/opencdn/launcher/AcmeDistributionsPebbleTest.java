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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Certificates named by the distributions, end to end with Pebble: two edges run with {@code
 * tls.acme} but no hosts; a {@code distributions.yaml} applied to the running cluster asks for one
 * certificate through HTTP-01 (Pebble really validates, {@code PEBBLE_VA_ALWAYS_VALID=0}, fetching
 * the token from an edge's plain HTTP listener) and one with a wildcard through DNS-01; both are
 * issued without a restart and served by both edges. Then the whole cluster (DNS member included)
 * stops and starts again: each edge takes the certificates back from its {@code storeDirectory},
 * and Pebble receives no new order.
 */
class AcmeDistributionsPebbleTest {

  private static final String TOKEN = "acme-dist-token-0123456789";

  private static final String DISTRIBUTIONS =
      """
      distributions:
        - id: www
          hosts: [www.cdn.test]
          origins: [{id: o, url: "http://127.0.0.1:9"}]
          behaviors: [{path: "*", target: o}]
          certificate: {source: acme, challenge: http-01}
        - id: img
          hosts: [img.cdn.test]
          origins: [{id: o, url: "http://127.0.0.1:9"}]
          behaviors: [{path: "*", target: o}]
          certificate: {names: [img.cdn.test, "*.img.cdn.test"]}
      """;

  @TempDir Path dir;

  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<EdgeNode> edges = new ArrayList<>();
  private final List<HazelcastInstance> members = new ArrayList<>();
  private DnsServer dns;
  private Pebble pebble;

  @AfterEach
  void tearDown() {
    stopCluster();
    if (pebble != null) {
      pebble.close();
    }
  }

  @Test
  void issuesWhatTheDistributionsNameThroughHttp01AndDns01AndSurvivesAWholeClusterRestart()
      throws Exception {
    Pebble.require();
    String secret = AdminToken.random();
    int[] http = {Pebble.freePort(), Pebble.freePort()};
    int[] https = {Pebble.freePort(), Pebble.freePort()};
    int dnsPort = startCluster(secret, http, https);
    pebble = Pebble.start(dir, dnsPort, 3600, Map.of("PEBBLE_VA_ALWAYS_VALID", "0"), http[0]);
    startEdges(secret, http, https);
    SSLContext root = trusting(pebble.root());
    assertThat(serial(edges.get(0), "www.cdn.test", root)).as("nothing asked yet").isNull();

    publish(edges.get(0), DISTRIBUTIONS);
    Await.until(
        Duration.ofSeconds(90),
        () ->
            edges.stream()
                .allMatch(
                    e ->
                        serial(e, "www.cdn.test", root) != null
                            && serial(e, "shop.img.cdn.test", root) != null));
    String www = serial(edges.get(0), "www.cdn.test", root);
    String img = serial(edges.get(0), "img.cdn.test", root);
    assertThat(www).isNotEqualTo(img);
    assertThat(serial(edges.get(1), "www.cdn.test", root)).isEqualTo(www);
    assertThat(serial(edges.get(1), "img.cdn.test", root)).isEqualTo(img);
    assertThat(acme(edges.get(0)).getLong("issuedHere") + acme(edges.get(1)).getLong("issuedHere"))
        .as("one order per certificate in the cluster")
        .isEqualTo(2);
    assertThat(acme(edges.get(0)).getLong("http01Served"))
        .as("Pebble fetched the HTTP-01 token from the edge")
        .isPositive();
    int orders = orders();
    assertThat(orders).isEqualTo(2);
    try (var files = Files.list(dir.resolve("store-2"))) {
      assertThat(files.count())
          .as("the edge that did not order keeps both certificates on disk too")
          .isGreaterThanOrEqualTo(2);
    }

    // the whole cluster goes, and comes back with new members: nothing in memory survives
    stopCluster();
    dnsPort = startCluster(secret, http, https);
    startEdges(secret, http, https);
    publish(edges.get(1), DISTRIBUTIONS);
    Await.until(
        Duration.ofSeconds(30),
        () ->
            edges.stream()
                .allMatch(
                    e ->
                        www.equals(serial(e, "www.cdn.test", root))
                            && img.equals(serial(e, "img.cdn.test", root))
                            && checked(e)));
    for (EdgeNode e : edges) {
      assertThat(acme(e).getLong("issuedHere")).isZero();
    }
    assertThat(orders()).as("no new order at Pebble").isEqualTo(orders);
  }

  private int startCluster(String secret, int[] http, int[] https) throws Exception {
    int[] hz = {Pebble.freePort(), Pebble.freePort(), Pebble.freePort()};
    String cluster = cluster(secret, hz);
    DnsConfig dnsConfig =
        ConfigLoader.parse(
            """
            listen: 127.0.0.1:%d
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: 1, answers: 1}]
            cluster: %s
            """
                .formatted(dnsPort(), cluster.formatted(hz[0])),
            "dns.yaml",
            DnsConfig.class);
    HazelcastInstance m = ClusterNode.start(dnsConfig.cluster(), "acme-dist-dns-" + hz[0], false);
    members.add(m);
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    dns = new DnsServer(v, dnsConfig, "classpath:demo/dns.yaml", m, Clock.systemUTC());
    clusterPorts = hz;
    return await(dns.start());
  }

  private int fixedDnsPort = -1;
  private int[] clusterPorts;

  /** The same DNS port across the restart: Pebble keeps sending its lookups there. */
  private int dnsPort() throws IOException {
    if (fixedDnsPort < 0) {
      fixedDnsPort = Pebble.freePort();
    }
    return fixedDnsPort;
  }

  private static String cluster(String secret, int[] hz) {
    return "{name: acme-dist, secret: %s, bind: 127.0.0.1:%%d, members: [127.0.0.1:%d, 127.0.0.1:%d, 127.0.0.1:%d]}"
        .formatted(secret, hz[0], hz[1], hz[2]);
  }

  private void startEdges(String secret, int[] http, int[] https) throws Exception {
    TestCertificates.Pem fallback = TestCertificates.selfSigned(dir, "default.invalid");
    for (int i = 1; i <= 2; i++) {
      EdgeConfig cfg =
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
                  trustRoot: "%s"
                  retrySeconds: 1
                  retryMaxSeconds: 4
                  settleMillis: 200
                  storeDirectory: "%s"
              distributions: [{host: "*", origin: "http://127.0.0.1:9"}]
              cluster: %s
              """
                  .formatted(
                      i,
                      http[i - 1],
                      TOKEN,
                      https[i - 1],
                      fallback.cert(),
                      fallback.key(),
                      pebble.directory(),
                      pebble.httpsCert,
                      dir.resolve("store-" + i),
                      cluster(secret, clusterPorts).formatted(clusterPorts[i])),
              "edge-" + i + ".yaml",
              EdgeConfig.class);
      HazelcastInstance m =
          ClusterNode.start(cfg.cluster(), "acme-dist-edge-" + clusterPorts[i], false);
      members.add(m);
      Vertx v = Vertx.vertx();
      vertxes.add(v);
      EdgeNode e = new EdgeNode(v, cfg, m, Clock.systemUTC());
      await(e.start());
      edges.add(e);
    }
  }

  private void stopCluster() {
    edges.forEach(e -> e.stop().toCompletionStage().toCompletableFuture().join());
    edges.clear();
    if (dns != null) {
      await(dns.stop());
      dns = null;
    }
    vertxes.forEach(v -> await(v.close()));
    vertxes.clear();
    members.forEach(m -> m.getLifecycleService().terminate());
    members.clear();
  }

  /** True once every certificate of {@code e} has been checked and its renewal is far off. */
  private static boolean checked(EdgeNode e) {
    var certs = acme(e).getJsonArray("certificates");
    if (certs.size() != 2) {
      return false;
    }
    for (int i = 0; i < certs.size(); i++) {
      String next = certs.getJsonObject(i).getString("nextCheck");
      if (next == null || Instant.parse(next).isBefore(Instant.now().plusSeconds(600))) {
        return false;
      }
    }
    return true;
  }

  /** The orders Pebble received (its log names each new order request). */
  private int orders() {
    String log = pebble.log();
    int n = 0;
    for (int i = log.indexOf("/order-plz"); i >= 0; i = log.indexOf("/order-plz", i + 1)) {
      n++;
    }
    return n;
  }

  private static void publish(EdgeNode edge, String yaml) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + edge.port() + "/_cdn/config?message=acme"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(yaml))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static JsonObject acme(EdgeNode edge) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + edge.port() + "/_cdn/acme"))
                      .header("Authorization", "Bearer " + TOKEN)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** The serial of the certificate {@code edge} serves for {@code host}, null when untrusted. */
  private static String serial(EdgeNode edge, String host, SSLContext trust) {
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress("127.0.0.1", edge.tlsPort()), 5000);
      try (SSLSocket s =
          (SSLSocket) trust.getSocketFactory().createSocket(raw, host, edge.tlsPort(), true)) {
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(host)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        return ((X509Certificate) s.getSession().getPeerCertificates()[0])
            .getSerialNumber()
            .toString(16);
      }
    } catch (IOException e) {
      return null;
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
