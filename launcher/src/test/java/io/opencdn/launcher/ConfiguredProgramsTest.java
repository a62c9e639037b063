package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24: {@code ./cdn edge --config FILE} dropped {@code tls:} and {@code latency:}, and only
 * tests that built the components directly existed. Here each program runs as a user starts it (its
 * own JVM, {@code ./cdn origin|dns|edge --config FILE}, see {@link ConfiguredPrograms}) with every
 * documented key set to a non-default value, and each check below sees a key at work in the running
 * program. What cannot be seen from outside on loopback (the origin connect timeout needs an
 * address that drops SYNs; the cluster fill lease timings, the probes' maxTargets and timeout,
 * heartbeat and failure timeouts, response rate limiting (loopback clients are never limited), the
 * City database with loopback clients, panicShare) is checked where the config is loaded ({@link
 * ConfigCopiesTest}, the modules' tests; a missing City database stops {@code dns}, {@link
 * CdnCommandTest}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfiguredProgramsTest {

  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  @TempDir static Path dir;
  static ConfiguredPrograms p;
  static HazelcastInstance observer;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    p = new ConfiguredPrograms(dir);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (observer != null) {
      observer.getLifecycleService().terminate();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (p != null) {
      p.close();
    }
  }

  @Test
  @Order(1)
  void originServesItsRootWithItsCacheControlAndToken() throws Exception {
    HttpResponse<String> page = get("http://127.0.0.1:" + p.originPort + "/index.html", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("keys test site"); // root, relative to the config file
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("max-age=600, public");
    String stats = "http://127.0.0.1:" + p.originPort + "/_origin/stats";
    assertThat(get(stats, null, ConfiguredPrograms.ORIGIN_TOKEN).statusCode()).isEqualTo(200);
    assertThat(get(stats, null, null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(2)
  void edgeAnswersWithItsIdRegionTokenBudgetAndDistributions() throws Exception {
    JsonObject health = new JsonObject(edge("/_cdn/health", "www.keys.test", null).body());
    assertThat(health.getString("id")).isEqualTo("keys-edge");
    assertThat(health.getString("region")).isEqualTo("keys-region");
    HttpResponse<String> stats =
        edge("/_cdn/stats", "www.keys.test", ConfiguredPrograms.EDGE_TOKEN);
    assertThat(stats.statusCode()).isEqualTo(200);
    // memory tier budget + disk tier budget
    assertThat(new JsonObject(stats.body()).getLong("budgetBytes"))
        .isEqualTo(3_000_000L + 50_000_000L);
    assertThat(edge("/_cdn/stats", "www.keys.test", null).statusCode()).isEqualTo(401);
    assertThat(edge("/_cdn/stats", "www.keys.test", "wrong-token-0123456789").statusCode())
        .isEqualTo(401);
    // admin: the admin endpoints are on their own listener only; health stays on the content
    // listener too
    assertThat(
            get(
                    "http://127.0.0.1:" + p.edgePort + "/_cdn/stats",
                    "www.keys.test",
                    ConfiguredPrograms.EDGE_TOKEN)
                .statusCode())
        .isEqualTo(404);
    assertThat(get("http://127.0.0.1:" + p.edgeAdminPort + "/_cdn/health", null, null).statusCode())
        .isEqualTo(200);

    HttpResponse<String> miss = edge("/index.html", "www.keys.test", null);
    HttpResponse<String> hit = edge("/index.html", "www.keys.test", null);
    assertThat(miss.headers().firstValue("X-Cache")).hasValue("Miss from keys-edge");
    assertThat(hit.headers().firstValue("X-Cache")).hasValue("Hit from keys-edge");
    assertThat(hit.headers().firstValue("X-Edge-Location")).hasValue("keys-region");
    assertThat(edge("/index.html", "other.keys.test", null).body()).contains("keys test site");
    assertThat(edge("/index.html", "elsewhere.test", null).statusCode()).isEqualTo(421);
  }

  @Test
  @Order(3)
  void httpsAnswersWithTheCertificateSniChoosesAndNoHttp2() throws Exception {
    Tls www = https("www.keys.test", "/index.html");
    Tls other = https("other.keys.test", "/gen/tls?size=10");
    assertThat(www.status()).isEqualTo(200);
    assertThat(www.subject())
        .isEqualTo("CN=www.keys.test"); // verified against the test's trust anchors and host
    assertThat(www.xCache()).isEqualTo("Hit from keys-edge");
    assertThat(other.subject()).isEqualTo("CN=other.keys.test");
    assertThat(www.version())
        .as("http2: false: ALPN offers http/1.1 only")
        .isEqualTo(HttpVersion.HTTP_1_1);
  }

  @Test
  @Order(4)
  void cacheTiersObjectLimitsAndOriginTimeout() throws Exception {
    // stored now, checked once stale (Order 11, 12)
    for (String path : List.of(SWR, HEURISTIC, NO_STALE_IF_ERROR)) {
      assertThat(edge(path, "www.keys.test", null).headers().firstValue("X-Cache"))
          .as(path)
          .hasValue("Miss from keys-edge");
    }
    // over maxObjectBytes, up to diskMaxObjectBytes: a disk-only entry in diskPath (published once
    // written)
    assertThat(edge("/gen/mid?size=150000", "www.keys.test", null).headers().firstValue("X-Cache"))
        .hasValue("Miss from keys-edge");
    assertThat(
            poll(
                () ->
                    edge("/gen/mid?size=150000", "www.keys.test", null)
                        .headers()
                        .firstValue("X-Cache")
                        .orElse("")
                        .equals("Hit from keys-edge"),
                Duration.ofSeconds(10)))
        .as("disk-only entry")
        .isTrue();
    try (var files = Files.list(p.dir.resolve("edge/disk"))) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".entry"));
    }
    // over maxObjectBytes with Vary (never a disk-only entry), and over diskMaxObjectBytes: not
    // stored
    for (String path :
        List.of("/gen/mid-vary?size=150000&vary=Accept-Language", "/gen/big?size=400000")) {
      edge(path, "www.keys.test", null);
      assertThat(edge(path, "www.keys.test", null).headers().firstValue("X-Cache"))
          .as(path)
          .hasValue("Miss from keys-edge");
    }
    // origin.timeoutMillis 1500: a 4 s origin answers 504
    HttpResponse<String> slow = edge("/gen/slow?delay=4000&cc=no-store", "www.keys.test", null);
    assertThat(slow.statusCode()).isEqualTo(504);
  }

  static final String SWR = "/gen/swr?size=100&cc=max-age%3D2";
  static final String HEURISTIC = "/gen/heuristic?size=100&cc=stale-while-revalidate%3D0";
  static final String NO_STALE_IF_ERROR =
      "/gen/sie?size=100&cc=max-age%3D1%2C%20stale-while-revalidate%3D0";

  @Test
  @Order(5)
  void edgeRegistersAsConfiguredAndProbesLatency() throws Exception {
    ClusterConfig cluster = ConfigLoader.parse(p.cluster(), "cluster", ClusterConfig.class);
    observer = ClusterNode.start(cluster, "keys-observer-" + p.clusterPort, true);
    var edges = observer.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    assertThat(poll(() -> edges.get("keys-edge") != null, Duration.ofSeconds(20)))
        .as("edge registered")
        .isTrue();
    // the DNS server joined as a lite member: the edge is the only member holding partitions
    assertThat(observer.getCluster().getMembers()).hasSize(3);
    assertThat(observer.getCluster().getMembers().stream().filter(m -> !m.isLiteMember()).count())
        .as("data members (the edge only)")
        .isEqualTo(1);
    EdgeRecord r = edges.get("keys-edge");
    assertThat(
            List.<Object>of(
                r.region(),
                r.latitude(),
                r.longitude(),
                r.ipv4(),
                r.ipv6(),
                r.capacity(),
                r.httpPort()))
        .containsExactly("keys-region", 48.85, 2.35, "127.0.0.1", "::1", 777.0, p.edgePort);
    JsonObject clusterView =
        new JsonObject(
            edge("/_cdn/cluster", "www.keys.test", ConfiguredPrograms.EDGE_TOKEN).body());
    assertThat(clusterView.getString("peerScope")).isEqualTo("any");

    // a query from 127.0.0.1 makes it a probe target; the edge probes it on latency.port from
    // latency.sourceAddress
    DnsQueries.ask(p.dnsPort, "www.keys.test.", org.xbill.DNS.Type.A, "127.0.0.1/32");
    var latency = observer.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY);
    LatencyKey key = new LatencyKey("127.0.0.0/24", "keys-edge");
    assertThat(poll(() -> latency.get(key) != null, Duration.ofSeconds(30)))
        .as("latency measured")
        .isTrue();
    assertThat(
            poll(
                () -> p.probedFrom.contains(InetAddress.getByName(ConfiguredPrograms.PROBE_SOURCE)),
                Duration.ofSeconds(10)))
        .as("probes from " + ConfiguredPrograms.PROBE_SOURCE + ", seen " + p.probedFrom)
        .isTrue();
    long first = latency.get(key).atMillis();
    assertThat(poll(() -> latency.get(key).atMillis() != first, Duration.ofSeconds(10))).isTrue();
    long second = latency.get(key).atMillis();
    assertThat(second - first).as("intervalMillis 200, not the default 5000").isLessThan(4000);
  }

  @Test
  @Order(6)
  void dnsRoutesWithItsZonesCoverageDefaultLocationPoliciesAndEdges() throws Exception {
    p.dns.await(
        Pattern.compile("zones \\[keys\\.test\\.\\], 3 thread\\(s\\)"), Duration.ofSeconds(1));
    assertThat(
            DnsQueries.ask(p.dnsPort, "keys.test.", org.xbill.DNS.Type.SOA, "127.1.0.0/16")
                .getHeader()
                .getFlag(org.xbill.DNS.Flags.AA))
        .isTrue();
    // the cluster's edge (near Paris) and the static edge (Tokyo), once both are healthy
    assertThat(
            poll(
                () ->
                    DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.1.0.0/16")
                        .equals(List.of("127.0.0.1", "127.0.0.3")),
                Duration.ofSeconds(30)))
        .as("Paris client: " + DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.1.0.0/16"))
        .isTrue();
    assertThat(DnsQueries.ttls(p.dnsPort, "geo.keys.test.", "127.1.0.0/16")).containsOnly(7L);
    assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.2.0.0/16"))
        .containsExactly("127.0.0.3", "127.0.0.1");
    assertThat(DnsQueries.aaaa(p.dnsPort, "geo.keys.test.", "127.1.0.0/16"))
        .containsExactly("::1"); // advertise.ipv6
    assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.3.0.0/16"))
        .as("geofence denies JP")
        .isEmpty();
    assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.4.0.0/16"))
        .as("group far first")
        .startsWith("127.0.0.3");
    assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.5.0.0/16"))
        .as("group keys-region first")
        .startsWith("127.0.0.1");
    for (int i = 1; i <= 8; i++) {
      assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.9." + i + ".0/24"))
          .as("default location near Tokyo")
          .containsExactly("127.0.0.3", "127.0.0.1");
    }
  }

  @Test
  @Order(7)
  void theLatencyPolicyUsesTheEdgesMeasurements() throws Exception {
    // distance puts Tokyo's static edge first; once the edge has measured 127.2.0.0/24, latency
    // puts it first
    assertThat(
            poll(
                () ->
                    DnsQueries.a(p.dnsPort, "www.keys.test.", "127.2.0.0/16")
                        .equals(List.of("127.0.0.1", "127.0.0.3")),
                Duration.ofSeconds(30)))
        .as("measured edge first: " + DnsQueries.a(p.dnsPort, "www.keys.test.", "127.2.0.0/16"))
        .isTrue();
    assertThat(DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.2.0.0/16"))
        .as("no latency policy")
        .startsWith("127.0.0.3");
  }

  @Test
  @Order(8)
  void theCoverageFileIsReadAgainEverySecond() throws Exception {
    p.writeCoverage("35.7,139.7");
    assertThat(
            poll(
                () ->
                    DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.1.0.0/16")
                        .equals(List.of("127.0.0.3", "127.0.0.1")),
                Duration.ofSeconds(6)))
        .as("moved to Tokyo within 6 s (the default period is 10 s)")
        .isTrue();
  }

  @Test
  @Order(9)
  void theStaticEdgeIsHealthCheckedOnItsPort() throws Exception {
    p.staticHealth.close();
    assertThat(
            poll(
                () ->
                    DnsQueries.a(p.dnsPort, "geo.keys.test.", "127.2.0.0/16")
                        .equals(List.of("127.0.0.1")),
                Duration.ofSeconds(10)))
        .as("static edge down")
        .isTrue();
  }

  @Test
  @Order(10)
  void dnsAdminListenerWithItsToken() throws Exception {
    String admin = "http://127.0.0.1:" + p.dnsAdminPort;
    assertThat(post(admin + "/reload", null).statusCode()).isEqualTo(401);
    HttpResponse<String> reload = post(admin + "/reload", ConfiguredPrograms.DNS_TOKEN);
    assertThat(reload.statusCode()).isEqualTo(200);
    assertThat(reload.body()).contains("keys.test./1", "2 routed names");
    assertThat(get(admin + "/metrics", null, null).body())
        .contains("dns_queries_total{rcode=\"NOERROR\",transport=\"tcp\",type=\"A\"}");
  }

  @Test
  @Order(11)
  void staleWhileRevalidateAndTheHeuristicCapAreTheConfiguredOnes() throws Exception {
    // max-age=2 and no directive: staleWhileRevalidateSeconds (600) serves it stale as a Hit
    HttpResponse<String> swr = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      swr = edge(SWR, "www.keys.test", null);
      if (Long.parseLong(swr.headers().firstValue("Age").orElse("0")) >= 2
          || !swr.headers().firstValue("X-Cache").orElse("").startsWith("Hit")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(swr.headers().firstValue("X-Cache"))
        .as("stale and served")
        .hasValue("Hit from keys-edge");
    assertThat(Long.parseLong(swr.headers().firstValue("Age").orElse("0")))
        .isGreaterThanOrEqualTo(2);
    // only Last-Modified (2023): heuristic freshness capped at heuristicMaxSeconds (1), then
    // revalidated
    assertThat(
            poll(
                () ->
                    edge(HEURISTIC, "www.keys.test", null)
                        .headers()
                        .firstValue("X-Cache")
                        .orElse("")
                        .startsWith("RefreshHit"),
                Duration.ofSeconds(15)))
        .as("revalidated after 1 s")
        .isTrue();
  }

  @Test
  @Order(12)
  void withStaleIfErrorZeroAStaleObjectIsNotServedWhenTheOriginIsGone() throws Exception {
    p.origin.stop();
    HttpResponse<String> r = edge(NO_STALE_IF_ERROR, "www.keys.test", null);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("X-Cache")).hasValue("Error from keys-edge");
    assertThat(edge("/index.html", "www.keys.test", null).statusCode())
        .as("fresh objects still served")
        .isEqualTo(200);
  }

  record Tls(HttpVersion version, String subject, int status, String xCache) {}

  /**
   * A request over HTTPS offering h2, trusting only the test's certificates, the host name
   * verified.
   */
  static Tls https(String host, String path) throws Exception {
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setVerifyHost(true)
                .setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setTrustOptions(
                    new PemTrustOptions()
                        .addCertPath(p.www.cert().toString())
                        .addCertPath(p.other.cert().toString())));
    try {
      return client
          .request(
              new RequestOptions()
                  .setServer(SocketAddress.inetSocketAddress(p.edgeTlsPort, "127.0.0.1"))
                  .setHost(host)
                  .setPort(p.edgeTlsPort)
                  .setURI(path))
          .compose(
              req ->
                  req.send()
                      .compose(
                          res ->
                              res.body()
                                  .map(
                                      b -> {
                                        try {
                                          X509Certificate cert =
                                              (X509Certificate)
                                                  req.connection().peerCertificates().get(0);
                                          return new Tls(
                                              res.version(),
                                              cert.getSubjectX500Principal().getName(),
                                              res.statusCode(),
                                              res.getHeader("X-Cache"));
                                        } catch (Exception e) {
                                          throw new IllegalStateException(e);
                                        }
                                      })))
          .await(20, TimeUnit.SECONDS);
    } finally {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * A request to the edge: {@code /_cdn/*} on its admin listener (the admin: key), except health.
   */
  static HttpResponse<String> edge(String path, String host, String token) throws Exception {
    boolean admin = path.startsWith("/_cdn/") && !path.equals("/_cdn/health");
    return get("http://127.0.0.1:" + (admin ? p.edgeAdminPort : p.edgePort) + path, host, token);
  }

  static HttpResponse<String> get(String url, String host, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (host != null) {
      b.header("Host", host);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String url, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Polls {@code condition} (an exception counts as false) until it holds or {@code timeout}
   * passes.
   */
  static boolean poll(Callable<Boolean> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    do {
      try {
        if (Boolean.TRUE.equals(condition.call())) {
          return true;
        }
      } catch (Exception e) {
        // not yet
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return false;
  }
}
