package io.opencdn.launcher;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.DirectoryEntry;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.FillLease;
import io.opencdn.common.cluster.Holder;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.cluster.ProbeTarget;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cluster.OriginFailure;
import io.opencdn.edge.cluster.latency.Connector;
import io.opencdn.edge.cluster.latency.LatencyProber;
import io.opencdn.edge.cluster.purge.PurgeRequest;
import io.opencdn.edge.config.ClusterFillConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.LatencyConfig;
import io.opencdn.edge.fill.Origin;
import io.opencdn.origin.OriginConfig;
import io.opencdn.origin.OriginServer;
import io.opencdn.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A rogue Hazelcast member that joined with the right (derived) cluster name but without the
 * cluster secret writes forged records into the maps and topics of a real cluster: origin, two
 * edges (us-east 127.0.0.51, eu-west 127.0.0.52; each its own Vert.x and Hazelcast member) and a
 * DNS server (a lite member), all on loopback with random ports. The rogue runs an HTTP server at
 * 127.0.0.66 that answers everything, health checks included, with 200 "poisoned". It gets no DNS
 * answer pointing at it, no edge fills from it, it cannot purge, drain or undrain, and forged
 * origin health and latency change nothing; every forged record is counted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RogueMemberTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  static final Duration SLOW = Duration.ofSeconds(60);

  static final String TOKEN = "rogue-test-admin-token-0123456789";
  static final String HOST = "www.cdn.test";
  static final String ROGUE_IP = "127.0.0.66";
  static final String US = "127.0.0.51";
  static final String EU = "127.0.0.52";
  static final String LONDON = "81.2.69.0/24";
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  static Vertx vertx;
  static OriginServer origin;
  static int originPort;
  static DnsServer dns;
  static int dnsPort;
  static ClusterConfig cluster;
  static HazelcastInstance rogue;
  static RecordMac rogueMac;
  static HttpServer rogueHttp;
  static final AtomicInteger rogueRequests = new AtomicInteger();
  static final List<HazelcastInstance> members = new ArrayList<>();
  static final Map<String, EdgeNode> edges = new LinkedHashMap<>();
  static final Map<String, Vertx> edgeVertx = new LinkedHashMap<>();
  static final Map<String, HazelcastInstance> edgeMembers = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    origin = new OriginServer(vertx, new OriginConfig(new Endpoint("127.0.0.1", 0), null, TOKEN));
    originPort = await(origin.start(), SLOW);

    int hzPort = ThreadLocalRandom.current().nextInt(20000, 39000);
    cluster =
        new ClusterConfig(
            "rogue-test",
            "secret-" + AdminToken.random(),
            new Endpoint("127.0.0.1", hzPort),
            List.of("127.0.0.1:" + hzPort + "-" + (hzPort + 4)),
            null,
            null);

    HazelcastInstance dnsMember = ClusterNode.start(cluster, "rogue-test-dns-" + hzPort, true);
    members.add(dnsMember);
    DnsConfig parsed =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 200, timeoutMillis: 300, fall: 2, rise: 1}
        rrl: {enabled: false}
        """,
            "rogue-dns.yaml",
            DnsConfig.class);
    dns =
        new DnsServer(
            vertx,
            parsed.withCluster(cluster),
            "classpath:demo/dns.yaml",
            dnsMember,
            Clock.systemUTC());
    dnsPort = await(dns.start(), SLOW);

    startEdge("us-east", 39.04, -77.49, US, hzPort);
    startEdge("eu-west", 50.11, 8.68, EU, hzPort);

    // the rogue: the derived cluster name (it travels in clear text), not the secret
    ClusterConfig guess =
        new ClusterConfig(
            cluster.name(),
            "a-guess-at-the-secret-0123",
            cluster.bind(),
            cluster.members(),
            null,
            null);
    Config config = ClusterNode.hazelcastConfig(guess, "rogue-test-rogue-" + hzPort, false);
    config.setClusterName(ClusterNode.clusterName(cluster.name(), cluster.secret()));
    rogue = Hazelcast.newHazelcastInstance(config);
    members.add(rogue);
    rogueMac = RecordMac.fromSecret(guess.secret());
    rogueHttp =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      rogueRequests.incrementAndGet();
                      req.response().putHeader("Cache-Control", "max-age=3600").end("poisoned");
                    })
                .listen(0, ROGUE_IP),
            SLOW);

    assertThat(rogue.getCluster().getMembers()).as("the rogue joined").hasSize(4);
    assertThat(
            poll(
                () ->
                    resolve(LONDON).equals(List.of(EU))
                        && resolve("8.8.8.0/24").equals(List.of(US)),
                Duration.ofSeconds(30)))
        .as("London -> eu-west, US -> us-east")
        .isTrue();
  }

  static void startEdge(String id, double lat, double lon, String ip, int hzPort) throws Exception {
    EdgeConfig cfg =
        EdgeConfig.builder()
            .id(id)
            .region(id)
            .latitude(lat)
            .longitude(lon)
            .listen(new Endpoint(ip, Ports.free(ip)))
            .capacity(1000)
            .adminToken(TOKEN)
            .distributions(List.of(new DistributionConfig(HOST, "http://127.0.0.1:" + originPort)))
            .cluster(cluster)
            .clusterFill(new ClusterFillConfig("any", 2000, 30_000, 3))
            .build();
    HazelcastInstance hz = ClusterNode.start(cluster, "rogue-test-" + id + "-" + hzPort, false);
    members.add(hz);
    edgeMembers.put(id, hz);
    Vertx v = Vertx.vertx();
    edgeVertx.put(id, v);
    EdgeNode edge = new EdgeNode(v, cfg, hz, Clock.systemUTC());
    await(edge.start(), SLOW);
    edges.put(id, edge);
  }

  @AfterEach
  void theRogueWasNeverAsked() {
    assertThat(rogueRequests.get()).as("requests that reached the rogue's HTTP server").isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    for (EdgeNode e : edges.values()) {
      await(e.stop(), SLOW);
    }
    for (Vertx v : edgeVertx.values()) {
      await(v.close(), SLOW);
    }
    if (dns != null) {
      await(dns.stop(), SLOW);
    }
    for (HazelcastInstance hz : members) {
      hz.getLifecycleService().terminate();
    }
    await(vertx.close(), SLOW);
  }

  /**
   * A DNS answer is never the rogue: neither a forged edge of its own nor a legitimate edge's entry
   * moved to it.
   */
  @Test
  @Order(1)
  void forgedEdgeRecordsNeverGetADnsAnswerPointingAtTheRogue() throws Exception {
    String member = rogue.getCluster().getLocalMember().getUuid().toString();
    var registry = rogue.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    double before = dnsRejected("edges", "forged");
    assertThat(
            poll(
                () -> {
                  long now = System.currentTimeMillis();
                  // an edge in London itself, healthy (the rogue answers health checks)...
                  registry.put(
                      "london",
                      new EdgeRecord(
                              "london",
                              "london",
                              51.51,
                              -0.13,
                              ROGUE_IP,
                              null,
                              rogueHttp.actualPort(),
                              1000,
                              0,
                              EdgeState.ACTIVE,
                              member,
                              now)
                          .signed(rogueMac));
                  // ...and eu-west's own entry pointing at the rogue
                  registry.put(
                      "eu-west",
                      new EdgeRecord(
                              "eu-west",
                              "eu-west",
                              50.11,
                              8.68,
                              ROGUE_IP,
                              null,
                              rogueHttp.actualPort(),
                              1000,
                              0,
                              EdgeState.ACTIVE,
                              member,
                              now)
                          .signed(rogueMac));
                  List<String> answer = resolve(LONDON);
                  assertThat(answer).as("answer for London").doesNotContain(ROGUE_IP).isNotEmpty();
                  return dnsRejected("edges", "forged") >= before + 10;
                },
                Duration.ofSeconds(20)))
        .as("the DNS server read and refused the forged records")
        .isTrue();
    assertThat(resolve(LONDON)).containsExactly(EU);
    registry.remove("london");
  }

  /**
   * The drain state is part of the authenticated record: a forged DRAINING does not drain, and
   * replaying the record from before a real drain does not undrain.
   */
  @Test
  @Order(2)
  void theRogueCanNeitherDrainNorUndrainAnEdge() throws Exception {
    var registry = rogue.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    assertThat(
            poll(
                () -> registry.get("eu-west") != null && registry.get("eu-west").ipv4().equals(EU),
                Duration.ofSeconds(5)))
        .as("eu-west wrote its record again")
        .isTrue();
    EdgeRecord active = registry.get("eu-west");
    double forged = dnsRejected("edges", "forged");
    assertThat(
            poll(
                () -> {
                  EdgeRecord now = registry.get("eu-west");
                  registry.put(
                      "eu-west",
                      now.withLoad(now.load(), EdgeState.DRAINING, now.heartbeatMillis() + 1)
                          .signed(rogueMac));
                  assertThat(resolve(LONDON))
                      .as("London while the rogue drains eu-west")
                      .containsExactly(EU);
                  return dnsRejected("edges", "forged") >= forged + 5;
                },
                Duration.ofSeconds(20)))
        .isTrue();

    assertThat(admin("eu-west", "POST", "/_cdn/drain").statusCode()).isEqualTo(200);
    assertThat(poll(() -> resolve(LONDON).equals(List.of(US)), Duration.ofSeconds(10)))
        .as("drained for real")
        .isTrue();
    double stale = dnsRejected("edges", "stale");
    assertThat(
            poll(
                () -> {
                  registry.put("eu-west", active); // authentic, but older than the drain
                  assertThat(resolve(LONDON))
                      .as("London while the rogue replays the record from before the drain")
                      .containsExactly(US);
                  return dnsRejected("edges", "stale") >= stale + 5;
                },
                Duration.ofSeconds(20)))
        .isTrue();

    assertThat(admin("eu-west", "POST", "/_cdn/undrain").statusCode()).isEqualTo(200);
    assertThat(poll(() -> resolve(LONDON).equals(List.of(EU)), Duration.ofSeconds(10))).isTrue();
  }

  /**
   * Forged cache directory records (a holder, a fill lease) never make an edge fetch from the
   * rogue.
   */
  @Test
  @Order(3)
  void forgedHoldersAndLeasesNeverMakeAnEdgePeerFillFromTheRogue() throws Exception {
    String member = rogue.getCluster().getLocalMember().getUuid().toString();
    var directory = rogue.<String, DirectoryEntry>getMap(ClusterMaps.CACHE_DIRECTORY);
    long until = System.currentTimeMillis() + 600_000;
    String held = "/gen/poison-holder?size=3000&cc=max-age%3D300";
    String leased = "/gen/poison-lease?size=3000&cc=max-age%3D300";
    String heldKey = new CacheKey(HOST, held).toString();
    String leasedKey = new CacheKey(HOST, leased).toString();
    directory.put(
        heldKey,
        new DirectoryEntry(
            List.of(
                Holder.signed(
                    rogueMac,
                    heldKey,
                    "us-east",
                    "us-east",
                    member,
                    ROGUE_IP,
                    rogueHttp.actualPort(),
                    until)),
            null));
    directory.put(
        leasedKey,
        new DirectoryEntry(
            List.of(),
            FillLease.signed(
                rogueMac,
                leasedKey,
                member,
                "us-east",
                ROGUE_IP,
                rogueHttp.actualPort(),
                System.currentTimeMillis(),
                until)));

    for (String path : List.of(held, leased)) {
      HttpResponse<String> r = get(EU, "eu-west", path);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).as(path).isNotEqualTo("poisoned").hasSize(3000);
      assertThat(r.headers().firstValue("X-Cache").orElse(""))
          .startsWith("Miss")
          .doesNotContain("peer");
      assertThat(get(EU, "eu-west", path).headers().firstValue("X-Cache").orElse(""))
          .startsWith("Hit");
    }
    assertThat(origin.requests("/gen/poison-holder")).isEqualTo(1);
    assertThat(origin.requests("/gen/poison-lease")).isEqualTo(1);
    assertThat(rejected("eu-west", ClusterMaps.CACHE_DIRECTORY, "forged"))
        .isGreaterThanOrEqualTo(2);
  }

  /** Forged purge requests on the topic purge nothing; a real invalidation still does. */
  @Test
  @Order(4)
  void theRogueCannotPurge() throws Exception {
    String path = "/gen/keep-me?size=1000&cc=max-age%3D300";
    for (String id : edges.keySet()) {
      String ip = id.equals("eu-west") ? EU : US;
      get(ip, id, path);
      assertThat(get(ip, id, path).headers().firstValue("X-Cache").orElse("")).startsWith("Hit");
    }
    var topic = rogue.<Object>getReliableTopic(ClusterMaps.PURGES);
    long now = System.currentTimeMillis();
    topic.publish(
        new PurgeRequest(UUID.randomUUID().toString(), null, List.of("/*"), List.of(), now)
            .signed(rogueMac));
    topic.publish(
        new PurgeRequest(UUID.randomUUID().toString(), null, List.of("/*"), List.of(), now));
    for (String id : edges.keySet()) {
      assertThat(
              poll(() -> rejected(id, ClusterMaps.PURGES, "forged") >= 2, Duration.ofSeconds(10)))
          .as(id)
          .isTrue();
      assertThat(
              get(id.equals("eu-west") ? EU : US, id, path)
                  .headers()
                  .firstValue("X-Cache")
                  .orElse(""))
          .as(id + " after the forged purges")
          .startsWith("Hit");
    }
    // the same through the product's own path purges
    HttpResponse<String> accepted =
        admin("us-east", "POST", "/_cdn/invalidations", "{\"paths\":[\"/gen/keep-me*\"]}");
    assertThat(accepted.statusCode()).isEqualTo(202);
    String status = "/_cdn/invalidations/" + new JsonObject(accepted.body()).getString("id");
    assertThat(
            poll(
                () -> admin("us-east", "GET", status).body().contains("Completed"),
                Duration.ofSeconds(10)))
        .isTrue();
    assertThat(get(EU, "eu-west", path).headers().firstValue("X-Cache").orElse(""))
        .startsWith("Miss");
  }

  /**
   * A forged origin failure does not make edges give up on the origin; forged latency neither
   * steers DNS nor the probes.
   */
  @Test
  @Order(5)
  void forgedOriginHealthAndLatencyChangeNothing() throws Exception {
    Origin o = Origin.of(URI.create("http://127.0.0.1:" + originPort));
    long now = System.currentTimeMillis();
    rogue
        .getMap(ClusterMaps.ORIGIN_HEALTH)
        .put(
            o.toString(),
            new OriginFailure(now, "us-east", now + 600_000).signed(rogueMac, o.toString()));
    for (Map.Entry<String, EdgeNode> e : edges.entrySet()) {
      assertThat(
              poll(
                  () -> rejected(e.getKey(), ClusterMaps.ORIGIN_HEALTH, "forged") >= 1,
                  Duration.ofSeconds(10)))
          .as(e.getKey())
          .isTrue();
      assertThat(e.getValue().cluster().originHealth().failing(o)).as(e.getKey()).isFalse();
    }

    // a measurement making us-east look faster from London than eu-west
    var latency = rogue.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY);
    double before = dnsRejected(ClusterMaps.LATENCY, "forged");
    assertThat(
            poll(
                () -> {
                  long t = System.currentTimeMillis();
                  for (String edge : List.of("us-east", "eu-west")) {
                    LatencyKey key = new LatencyKey(LONDON, edge);
                    latency.put(
                        key,
                        new LatencySample(edge.equals("us-east") ? 0.5 : 400, t)
                            .signed(rogueMac, key));
                  }
                  assertThat(resolve(LONDON)).containsExactly(EU);
                  return dnsRejected(ClusterMaps.LATENCY, "forged") >= before + 6;
                },
                Duration.ofSeconds(20)))
        .isTrue();

    // a probe target at the rogue: the edges never probe it (a recording connector: no packet
    // leaves)
    var targets = rogue.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS);
    assertThat(poll(() -> targets.containsKey(LONDON), Duration.ofSeconds(10)))
        .as("the DNS server published London")
        .isTrue();
    targets.put("127.0.0.0/24", new ProbeTarget(ROGUE_IP, now).signed(rogueMac, "127.0.0.0/24"));
    Set<InetAddress> probed = ConcurrentHashMap.newKeySet();
    Connector recording =
        (list, source, timeout) -> {
          list.forEach(a -> probed.add(a.getAddress()));
          return Map.of();
        };
    EdgeNode eu = edges.get("eu-west");
    LatencyProber prober =
        new LatencyProber(
            edgeVertx.get("eu-west"),
            edgeMembers.get("eu-west"),
            "eu-west",
            new LatencyConfig(true, 60_000, 200, 53, 100, null),
            recording,
            Clock.systemUTC(),
            eu.cluster().recordChecks().get(ClusterMaps.LATENCY_TARGETS));
    await(prober.round(), SLOW);
    assertThat(probed)
        .contains(InetAddress.getByName("81.2.69.0"))
        .doesNotContain(InetAddress.getByName(ROGUE_IP));
    assertThat(prober.check().forgedCount()).isGreaterThanOrEqualTo(1);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The edges' count of records ignored in {@code map} ({@code GET /_cdn/cluster}). */
  static long rejected(String edge, String map, String reason) {
    try {
      HttpResponse<String> r = admin(edge, "GET", "/_cdn/cluster");
      return new JsonObject(r.body())
          .getJsonObject("rejectedRecords")
          .getJsonObject(map)
          .getLong(reason);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The DNS server's {@code dns_cluster_records_rejected_total{map,reason}}. */
  static double dnsRejected(String map, String reason) {
    String prefix =
        "dns_cluster_records_rejected_total{map=\"" + map + "\",reason=\"" + reason + "\"} ";
    return dns.operations()
        .metrics()
        .scrape()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(0);
  }

  static List<String> resolve(String subnet) {
    try {
      return Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", subnet, false);
    } catch (Exception e) {
      return List.of();
    }
  }

  static HttpResponse<String> get(String ip, String edge, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + edges.get(edge).port() + path))
            .header("Host", HOST)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> admin(String edge, String method, String path) throws Exception {
    return admin(edge, method, path, "");
  }

  static HttpResponse<String> admin(String edge, String method, String path, String body)
      throws Exception {
    String ip = edge.equals("eu-west") ? EU : US;
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + edges.get(edge).port() + path))
            .header("Host", HOST)
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static boolean poll(java.util.concurrent.Callable<Boolean> condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.call()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.call();
  }
}
