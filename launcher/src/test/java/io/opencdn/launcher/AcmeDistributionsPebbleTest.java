package io.opencdn.launcher;

import static io.opencdn.launcher.AcmeCluster.serial;
import static io.opencdn.launcher.AcmeCluster.trusting;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.EdgeNode;
import io.opencdn.testing.Await;
import io.opencdn.testing.SelfSigned;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
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

  private final AcmeCluster cluster = new AcmeCluster("acme-dist", TOKEN);
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
    cluster.stop();
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
    clusterPorts = new int[] {Pebble.freePort(), Pebble.freePort(), Pebble.freePort()};
    return cluster.startDns(
        dnsPort(), 1, cluster.clusterTemplate(secret, clusterPorts).formatted(clusterPorts[0]));
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

  private void startEdges(String secret, int[] http, int[] https) throws Exception {
    SelfSigned.Pem fallback = TestCertificates.selfSigned(dir, "default.invalid");
    for (int i = 1; i <= 2; i++) {
      cluster.startEdge(
          AcmeCluster.edgeConfig(
              i,
              http[i - 1],
              https[i - 1],
              TOKEN,
              fallback,
              pebble,
              "storeDirectory: \"%s\"".formatted(dir.resolve("store-" + i)),
              cluster.clusterTemplate(secret, clusterPorts).formatted(clusterPorts[i])));
    }
  }

  /** True once every certificate of {@code e} has been checked and its renewal is far off. */
  private boolean checked(EdgeNode e) {
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

  private JsonObject acme(EdgeNode edge) {
    return cluster.acme(edge);
  }
}
