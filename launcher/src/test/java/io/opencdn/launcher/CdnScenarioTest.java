package io.opencdn.launcher;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.origin.OriginConfig;
import io.opencdn.origin.OriginServer;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The walking-skeleton scenario in one JVM: origin, three edges on the demo loopback addresses
 * (HTTP on port 0), a real Hazelcast cluster and the DNS server. Each edge has its own Vert.x and
 * Hazelcast instance, so "killing" one closes both without any goodbye, like SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdnScenarioTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  static final Duration SLOW = Duration.ofSeconds(60);

  static final String TOKEN = "scenario-admin-token-0123456789";
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static Vertx vertx;
  static OriginServer origin;
  static DnsServer dns;
  static int dnsPort;
  static HazelcastInstance dnsMember;
  static final Map<String, Vertx> edgeVertx = new LinkedHashMap<>();
  static final Map<String, HazelcastInstance> edgeMembers = new LinkedHashMap<>();
  static final Map<String, Integer> edgePorts = new LinkedHashMap<>();
  static TestCluster members;

  @BeforeAll
  static void startEverything() throws Exception {
    vertx = Vertx.vertx();
    origin = new OriginServer(vertx, new OriginConfig(new Endpoint("127.0.0.1", 0), null, TOKEN));
    int originPort = await(origin.start(), SLOW);

    String secret = "scenario-" + System.nanoTime() + "-secret";
    // slot 0: the DNS server's lite member, started first; then one slot per edge
    members =
        TestCluster.builder("scenario")
            .secret(secret)
            .members(1)
            .lite(0)
            .spare(DemoTopology.EDGES.size())
            .start();
    ClusterConfig cluster = members.config(0);
    dnsMember = members.member(0);
    DnsConfig demo =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 200, timeoutMillis: 200, fall: 2, rise: 2}
        """,
            "scenario-dns.yaml",
            DnsConfig.class);
    DnsConfig dnsConfig = demo.withCluster(cluster);
    dns = new DnsServer(vertx, dnsConfig, "classpath:demo/dns.yaml", dnsMember, Clock.systemUTC());
    dnsPort = await(dns.start(), SLOW);

    int slot = 1;
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      EdgeConfig demoEdge =
          io.opencdn.common.config.ConfigLocation.load(e.config(), EdgeConfig.class);
      EdgeConfig cfg =
          EdgeConfig.builder()
              .id(demoEdge.id())
              .region(demoEdge.region())
              .latitude(demoEdge.latitude())
              .longitude(demoEdge.longitude())
              .listen(new Endpoint(e.address(), 0))
              .advertise(demoEdge.advertise())
              .capacity(demoEdge.capacity())
              .adminToken(TOKEN)
              .cache(demoEdge.cache())
              .origin(demoEdge.origin())
              .distributions(
                  List.of(
                      new io.opencdn.edge.config.DistributionConfig(
                          "www.cdn.test", "http://127.0.0.1:" + originPort)))
              .cluster(cluster)
              .build();
      HazelcastInstance hz = members.startMember(slot++, false);
      Vertx v = Vertx.vertx();
      int port = await(new EdgeNode(v, cfg, hz, Clock.systemUTC()).start(), SLOW);
      edgeVertx.put(e.id(), v);
      edgeMembers.put(e.id(), hz);
      edgePorts.put(e.id(), port);
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (Vertx v : edgeVertx.values()) {
      await(v.close());
    }
    if (members != null) {
      members.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  @Order(1)
  void eachClientIsSentToTheNearestEdge() throws Exception {
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      String want = DemoTopology.edge(x.edgeId()).address();
      assertThat(
              Await.poll(
                  () -> resolve(x.subnet(), false).equals(List.of(want)), Duration.ofSeconds(30)))
          .as(x.where() + " -> " + want + ", got " + resolve(x.subnet(), false))
          .isTrue();
      assertThat(resolve(x.subnet(), true)).as("over TCP").containsExactly(want);
    }
  }

  @Test
  @Order(2)
  void fetchThroughTheEdgeIsAMissThenAHitAndTheOriginIsAskedOnce() throws Exception {
    String path = "/gen/scenario.bin";
    String url =
        "http://127.0.0.12:" + edgePorts.get("eu-west") + path + "?size=5000&cc=max-age%3D300";
    HttpResponse<byte[]> first = get(url);
    HttpResponse<byte[]> second = get(url);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Cache"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Miss"));
    assertThat(second.headers().firstValue("X-Cache"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Hit"));
    assertThat(second.headers().firstValue("Age")).isPresent();
    assertThat(second.body()).hasSize(5000).isEqualTo(first.body());
    assertThat(origin.requests(path)).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aKilledEdgeIsNoLongerAnsweredWithinTwoSeconds() throws Exception {
    Vertx eu = edgeVertx.remove("eu-west");
    HazelcastInstance euMember = edgeMembers.remove("eu-west");
    long start = System.nanoTime();
    euMember.getLifecycleService().terminate();
    eu.close();
    boolean moved =
        Await.poll(
            () -> resolve("81.2.69.0/24", false).equals(List.of("127.0.0.11")),
            Duration.ofSeconds(10));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(moved).as("London moved to us-east, after " + millis + " ms").isTrue();
    assertThat(millis).as("failover time").isLessThan(2_000);
    assertThat(resolve("1.0.16.0/24", false)).containsExactly("127.0.0.13");
  }

  static List<String> resolve(String subnet, boolean tcp) {
    try {
      return Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", subnet, tcp);
    } catch (Exception e) {
      return List.of();
    }
  }

  static HttpResponse<byte[]> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).header("Host", "www.cdn.test").build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
