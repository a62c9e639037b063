package io.opencdn.dns.admin;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real server with an admin listener: /metrics in Prometheus text, POST /reload guarded by the
 * token, a good zone change served after reload, a bad zone file refused while the old answers keep
 * being served, GET /route explaining from the server's live state.
 */
class AdminServerTest {

  static final String TOKEN = "admin-test-token-0123456789";
  static final String ZONE =
      """
      $ORIGIN r.test.
      $TTL 300
      @ IN SOA ns1 hostmaster 1 3600 600 604800 60
      @ IN NS ns1
      ns1 IN A 127.0.0.1
      host IN A 192.0.2.1
      """;

  @TempDir Path dir;
  private Vertx vertx;
  private DnsServer server;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();
  private final TestClock clock = new TestClock();

  @BeforeEach
  void start() throws Exception {
    Files.writeString(dir.resolve("r.test.zone"), ZONE);
    Files.writeString(
        dir.resolve("dns.yaml"),
        """
        listen: 127.0.0.1:0
        zones: [{origin: r.test., file: r.test.zone}, {origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20}]
        edges:
          - {id: eu-west, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12, state: DRAINING}
          - {id: us-east, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11, capacity: 100, load: 40}
        rrl: {enabled: false}
        admin: {listen: 127.0.0.1:0, token: %s}
        """
            .formatted(TOKEN));
    String location = dir.resolve("dns.yaml").toString();
    DnsConfig config = ConfigLocation.load(location, DnsConfig.class);
    vertx = Vertx.vertx();
    server = new DnsServer(vertx, config, location, null, clock);
    port = await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.stop());
    await(vertx.close());
  }

  private Message udp(String name, int type) throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(3000);
      byte[] q = query(name, type, null).toWire();
      s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
      s.receive(in);
      return parse(java.util.Arrays.copyOf(in.getData(), in.getLength()));
    }
  }

  private HttpResponse<String> http(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.operations().adminPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(java.time.Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsArePrometheusTextWithoutToken() throws Exception {
    udp("host.r.test.", Type.A);
    udp("nothere.r.test.", Type.A);
    HttpResponse<String> r = http("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(r.body())
        .contains("# TYPE dns_queries_total counter")
        .contains("dns_queries_total{rcode=\"NOERROR\",transport=\"udp\",type=\"A\"} 1.0")
        .contains("dns_queries_total{rcode=\"NXDOMAIN\",transport=\"udp\",type=\"A\"} 1.0")
        .contains("dns_query_duration_seconds_bucket{le=\"0.05\"} 2")
        .contains("dns_query_duration_seconds_count 2");
    assertThat(http("GET", "/nothing", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aScrapeThatFailsIsAnsweredWith500() throws Exception {
    server
        .handler()
        .metrics()
        .registry()
        .getPrometheusRegistry()
        .register(
            (io.prometheus.metrics.model.registry.Collector)
                () -> {
                  throw new IllegalStateException("broken meter");
                });
    HttpResponse<String> r = http("GET", "/metrics", null);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).contains("broken meter");
    assertThat(http("GET", "/healthz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void reloadNeedsTheTokenServesTheNewZoneAndRefusesABadOne() throws Exception {
    assertThat(udp("new.r.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    Files.writeString(
        dir.resolve("r.test.zone"),
        ZONE.replace("@ IN SOA ns1 hostmaster 1", "@ IN SOA ns1 hostmaster 2")
            + "new IN A 192.0.2.2\n");
    assertThat(http("POST", "/reload", null).statusCode()).isEqualTo(401);
    assertThat(http("POST", "/reload", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
    assertThat(http("GET", "/reload", TOKEN).statusCode()).isEqualTo(405);
    assertThat(udp("new.r.test.", Type.A).getRcode())
        .as("nothing reloaded yet")
        .isEqualTo(Rcode.NXDOMAIN);

    HttpResponse<String> ok = http("POST", "/reload", TOKEN);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).contains("r.test./2");
    assertThat(section(udp("new.r.test.", Type.A), Section.ANSWER))
        .containsExactly("new.r.test. 300 IN A 192.0.2.2");

    Files.writeString(dir.resolve("r.test.zone"), "@ IN NS ns1\nthis is not a zone file\n");
    HttpResponse<String> refused = http("POST", "/reload", TOKEN);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).startsWith("refused: ").contains("r.test.zone");
    assertThat(section(udp("new.r.test.", Type.A), Section.ANSWER))
        .as("old state keeps serving")
        .containsExactly("new.r.test. 300 IN A 192.0.2.2");

    assertThat(http("GET", "/metrics", null).body())
        .contains(
            "dns_reloads_total{result=\"ok\"} 1.0", "dns_reloads_total{result=\"failed\"} 1.0");
  }

  /** Keeps INFO and WARN lines. */
  static final class Capture extends org.slf4j.helpers.AbstractLogger {
    final java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        org.slf4j.event.Level level,
        org.slf4j.Marker marker,
        String pattern,
        Object[] args,
        Throwable t) {
      lines.add(
          level + " " + org.slf4j.helpers.MessageFormatter.arrayFormat(pattern, args).getMessage());
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isTraceEnabled(org.slf4j.Marker m) {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled(org.slf4j.Marker m) {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled(org.slf4j.Marker m) {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled(org.slf4j.Marker m) {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled(org.slf4j.Marker m) {
      return true;
    }
  }

  @Test
  void reloadsAndRefusedCallsAreLoggedWithoutTheToken() throws Exception {
    Capture log = new Capture();
    AdminServer.auditLogger(log);
    try {
      assertThat(http("POST", "/reload", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
      assertThat(http("POST", "/reload", TOKEN).statusCode()).isEqualTo(200);
      for (int i = 0; i < 100; i++) {
        http("POST", "/reload", null);
      }

      assertThat(log.lines.get(0))
          .isEqualTo("WARN admin call refused: 127.0.0.1 \"POST /reload\" 401");
      assertThat(log.lines.get(1)).isEqualTo("INFO admin: 127.0.0.1 \"POST /reload\" 200");
      assertThat(log.lines)
          .as("refusals logged at most 10 a second (of the server's clock)")
          .hasSize(2 + 9);
      clock.advance(1000);
      http("POST", "/reload", null);
      assertThat(log.lines).hasSize(12);
      assertThat(log.lines.get(11)).endsWith("401 (91 more refused calls not logged)");
      assertThat(String.join("\n", log.lines)).doesNotContain(TOKEN, "wrong-token");
    } finally {
      AdminServer.auditLogger(org.slf4j.LoggerFactory.getLogger("admin"));
    }
  }

  @Test
  void routeExplainsAClientFromTheServersLiveStateWithTheToken() throws Exception {
    HttpResponse<String> london = http("GET", "/route?client=81.2.69.1", TOKEN);
    assertThat(london.statusCode()).isEqualTo(200);
    assertThat(london.body())
        .contains("client   81.2.69.1 (as ECS /24)", "answer   A [127.0.0.11 (us-east)]", "40/100")
        .containsPattern("eu-west .* DRAINING .* filtered");
    assertThat(section(udp("www.cdn.test.", Type.A), Section.ANSWER))
        .as("what the server answers")
        .containsExactly("www.cdn.test. 20 IN A 127.0.0.11");
    assertThat(http("GET", "/route?client=2001:218::1&name=www.cdn.test.&prefix=48", TOKEN).body())
        .contains("(as ECS /48)");

    assertThat(http("GET", "/route?client=81.2.69.1", null).statusCode()).isEqualTo(401);
    assertThat(http("POST", "/route?client=81.2.69.1", TOKEN).statusCode()).isEqualTo(405);
    HttpResponse<String> bad = http("GET", "/route?client=nope", TOKEN);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).isEqualTo("bad request: not an IP address: 'nope'\n");
    assertThat(http("GET", "/route?client=81.2.69.1&prefix=40", TOKEN).body())
        .isEqualTo("bad request: prefix 40: expected 1..32\n");
    assertThat(http("GET", "/route?client=81.2.69.1&prefix=x", TOKEN).statusCode()).isEqualTo(400);
    assertThat(http("GET", "/route?client=81.2.69.1&name=host.r.test.", TOKEN).body())
        .contains("not a geo-routed name");
  }

  @Test
  void aRouteExplanationFollowsAReloadOfTheRoutes() throws Exception {
    Files.writeString(
        dir.resolve("dns.yaml"),
        Files.readString(dir.resolve("dns.yaml"))
            .replace(
                "routing: [{name: www.cdn.test., ttl: 20}]",
                "routing: [{name: www.cdn.test., ttl: 45}]"));
    assertThat(http("POST", "/reload", TOKEN).statusCode()).isEqualTo(200);
    assertThat(http("GET", "/route?client=81.2.69.1", TOKEN).body()).contains("TTL 45 s");
  }

  @Test
  void aReloadNamesTheKeysItDoesNotApply() throws Exception {
    HttpResponse<String> same = http("POST", "/reload", TOKEN);
    assertThat(same.body()).doesNotContain("not applied");

    String yaml = Files.readString(dir.resolve("dns.yaml"));
    Files.writeString(
        dir.resolve("dns.yaml"),
        yaml.replace("rrl: {enabled: false}", "rrl: {enabled: true}")
                .replace("state: DRAINING", "state: ACTIVE")
            + "threads: 3\ntcp: {idleSeconds: 20}\nprobeTargets: {allowPrivate: true}\n");
    HttpResponse<String> changed = http("POST", "/reload", TOKEN);

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body())
        .contains("r.test./1")
        .endsWith("; not applied until a restart: edges, rrl, threads, tcp, probeTargets\n");
  }

  @Test
  void reloadEntryPointRefusesABadConfigAndKeepsServing() throws Exception {
    Files.writeString(dir.resolve("dns.yaml"), "listen: 127.0.0.1:0\nzones: []\n");
    Throwable failure =
        server
            .reload()
            .toCompletionStage()
            .toCompletableFuture()
            .handle((v, e) -> e)
            .get(10, TimeUnit.SECONDS);
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("zones");
    assertThat(section(udp("host.r.test.", Type.A), Section.ANSWER))
        .containsExactly("host.r.test. 300 IN A 192.0.2.1");
  }
}
