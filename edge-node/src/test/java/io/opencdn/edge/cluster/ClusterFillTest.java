package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.DirectoryEntry;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.edge.TestOrigin;
import io.opencdn.edge.cluster.ClusterHarness.Resp;
import io.opencdn.edge.fill.Origin;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three edges in one in-process Hazelcast cluster (see {@link ClusterHarness}) filling through the
 * cache directory: cluster-wide single flight (one origin request for concurrent misses on every
 * edge, also amid a burst of distinct keys), leases freed by fills too large to store, peer fill in
 * scope and its token, stale-if-error decided together and one refresh of a stale key. Each test
 * uses its own paths, so they share the cluster.
 */
class ClusterFillTest {

  static ClusterHarness h;

  @BeforeAll
  static void startCluster() {
    h = ClusterHarness.settled("cluster-fill-test");
  }

  @AfterAll
  static void stopCluster() {
    h.close();
  }

  @Test
  void concurrentMissesOnAllEdgesMakeOneOriginRequest() {
    List<String> vias = new java.util.concurrent.CopyOnWriteArrayList<>();
    h.origin.route(
        "/cold",
        req -> {
          vias.add(req.getHeader("Via") + " at " + System.nanoTime() / 1_000_000);
          h.vertx.setTimer(
              300, t -> req.response().putHeader("Cache-Control", "max-age=600").end("cold body"));
        });
    List<Future<Resp>> all = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      all.add(h.send(i % 3, HttpMethod.GET, "/cold", null, null));
    }
    List<Resp> results = await(Future.all(all)).list();
    assertThat(results)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.body()).isEqualTo("cold body");
            });
    assertThat(h.origin.count("/cold"))
        .as(
            "origin requests via %s; X-Cache: %s",
            vias, results.stream().map(r -> r.header("X-Cache")).toList())
        .isEqualTo(1);
    assertThat(
            results.stream()
                .map(r -> r.header("X-Cache"))
                .filter(x -> x.contains("(peer "))
                .count())
        .isGreaterThan(0);
    awaitNoLease("www.cdn.test/cold");
  }

  @Test
  void threeHundredRequestsForOneColdUrlDuringABurstOfDistinctKeysMakeOneOriginRequestForIt() {
    h.origin.route(
        "/hot",
        req ->
            h.vertx.setTimer(
                200,
                t -> req.response().putHeader("Cache-Control", "max-age=600").end("hot body")));
    h.origin.route(
        "/burst",
        req -> req.response().putHeader("Cache-Control", "max-age=600").end(req.getParam("i")));
    List<Future<Resp>> hot = new ArrayList<>();
    List<Future<Resp>> burst = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      burst.add(h.send(i % 3, HttpMethod.GET, "/burst?i=" + i, null, null));
      hot.add(h.send(i % 3, HttpMethod.GET, "/hot", null, null));
    }
    List<Resp> hotResults = await(Future.all(hot)).list();
    List<Resp> burstResults = await(Future.all(burst)).list();
    assertThat(hotResults)
        .allSatisfy(
            r -> {
              assertThat(r.status()).isEqualTo(200);
              assertThat(r.body()).isEqualTo("hot body");
            });
    for (int i = 0; i < 300; i++) {
      assertThat(burstResults.get(i).body()).isEqualTo(Integer.toString(i));
    }
    assertThat(h.origin.count("/hot")).isEqualTo(1);
    assertThat(h.origin.count("/burst")).as("each distinct key filled once").isEqualTo(300);
    for (int e = 0; e < 3; e++) {
      awaitFillsDone(e);
      int edge = e;
      Await.until(
          Duration.ofSeconds(5),
          () -> h.edge(edge).cluster().stats().getInteger("fillTickets") == 0);
    }
  }

  @Test
  void aFillTooLargeToStoreFreesItsLeaseWhenItEndsSoTheNextEdgeDoesNotWaitForTheLeaseToExpire() {
    String big = "x".repeat(2 << 20); // over maxObjectBytes (1 MiB here): streamed, never stored
    h.origin.route(
        "/too-big", req -> req.response().putHeader("Cache-Control", "max-age=600").end(big));
    Resp first = h.get(0, "/too-big");
    assertThat(first.body()).hasSize(big.length());
    awaitFillsDone(0);
    // leases live 20 s in this harness and await() gives up after 15 s: only a released lease
    // passes
    Resp second = h.get(1, "/too-big");
    assertThat(second.body()).hasSize(big.length());
    assertThat(second.header("X-Cache")).isEqualTo("Miss from edge-b");
    assertThat(h.origin.count("/too-big")).isEqualTo(2);
    awaitNoLease("www.cdn.test/too-big");
    awaitFillsDone(1);
    for (int e = 0; e < 3; e++) {
      assertThat(h.edge(e).cluster().stats().getInteger("fillTickets"))
          .as("fills remembered by edge %d", e)
          .isZero();
    }
  }

  @Test
  void aMissFillsFromAPeerInScopeBeforeTheOrigin() {
    h.origin.content(
        "/peer", "from origin", "Cache-Control", "max-age=600", "Vary", "Accept-Encoding");
    Resp first = h.get(0, "/peer");
    assertThat(first.header("X-Cache")).isEqualTo("Miss from edge-a");
    // same region: edge-b fills from edge-a
    Resp b = h.get(1, "/peer");
    assertThat(b.body()).isEqualTo("from origin");
    assertThat(b.header("X-Cache")).isEqualTo("Miss from edge-b (peer edge-a)");
    assertThat(b.header("X-Cdn-Peer")).isNull();
    awaitFillsDone(1);
    assertThat(h.get(1, "/peer").header("X-Cache")).startsWith("Hit from edge-b");
    // scope any: edge-c (us) fills from an eu edge
    assertThat(h.get(2, "/peer").header("X-Cache"))
        .matches("Miss from edge-c \\(peer edge-[ab]\\)");
    assertThat(h.origin.count("/peer")).isEqualTo(1);

    // scope region: edge-a never fills from edge-c (us)
    h.origin.content("/us-only", "us", "Cache-Control", "max-age=600");
    assertThat(h.get(2, "/us-only").header("X-Cache")).isEqualTo("Miss from edge-c");
    // once edge-c's fill is over (a waiter of a running fill would take the filler's copy anyway)
    awaitNoLease("www.cdn.test/us-only");
    assertThat(h.get(0, "/us-only").header("X-Cache")).isEqualTo("Miss from edge-a");
    assertThat(h.origin.count("/us-only")).isEqualTo(2);
  }

  @Test
  void thePeerEndpointNeedsTheClusterToken() {
    assertThat(
            h.admin(0, HttpMethod.GET, "/_cdn/peer/object?host=www.cdn.test&target=/peer", null)
                .status())
        .isEqualTo(401);
    assertThat(h.get(0, "/_cdn/peer/object?host=www.cdn.test&target=/peer").status())
        .isEqualTo(401);
  }

  @Test
  void edgesSwitchToStaleIfErrorTogetherWhenTheOriginFailsAndBackWhenItAnswers() {
    String host = ClusterHarness.DOWN_HOST;
    h.down.content("/shared", "v1", "Cache-Control", "max-age=10, stale-if-error=600");
    for (int e = 0; e < 3; e++) {
      assertThat(h.get(e, host, "/shared").body()).isEqualTo("v1");
      awaitFillsDone(e);
    }
    assertThat(h.down.count("/shared")).isEqualTo(1);
    Origin origin = Origin.of(URI.create(h.down.url()));
    h.down.close();
    h.clock.advance(Duration.ofSeconds(30));

    // edge-a sees the origin fail (connection refused) three times in a row, serving stale each
    // time
    for (int i = 0; i < OriginHealth.DEFAULT_THRESHOLD; i++) {
      Resp r = h.get(0, host, "/shared");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("v1");
      assertThat(r.header("X-Cache")).startsWith("Hit from edge-a");
    }
    Await.until(
        Duration.ofSeconds(5),
        () -> h.edges.stream().allMatch(e -> e.cluster().originHealth().failing(origin)));
    OriginFailure report = h.edge(2).cluster().originHealth().report(origin);
    assertThat(report.reportedBy()).isEqualTo("edge-a");
    assertThat(report.failingSince()).isEqualTo(h.clock.millis());
    assertThat(report.untilMillis()).isEqualTo(h.clock.millis() + OriginHealth.DEFAULT_HOLD_MILLIS);
    assertThat(h.edge(2).metrics().scrape())
        .contains("cdn_origins_failing 1.0", "cdn_cluster_members 3.0");

    // the other edges serve their stale copies at once, without an origin attempt of their own
    for (int e = 1; e < 3; e++) {
      long attempts = h.edge(e).metrics().originRequests();
      Resp r = h.get(e, host, "/shared");
      assertThat(r.body()).isEqualTo("v1");
      assertThat(r.header("X-Cache")).startsWith("Hit from");
      assertThat(h.edge(e).metrics().originRequests()).isEqualTo(attempts);
    }

    // the origin comes back; once the report's hold has passed an edge tries it, and the success
    // clears it everywhere
    h.down = new TestOrigin(h.vertx, h.downPort);
    h.down.content("/shared", "v2", "Cache-Control", "max-age=10, stale-if-error=600");
    h.clock.advance(Duration.ofMillis(OriginHealth.DEFAULT_HOLD_MILLIS + 1));
    Resp fresh = h.get(1, host, "/shared");
    assertThat(fresh.body()).isEqualTo("v2");
    assertThat(fresh.header("X-Cache")).startsWith("Miss from edge-b");
    Await.until(
        Duration.ofSeconds(5),
        () -> h.edges.stream().allMatch(e -> e.cluster().originHealth().report(origin) == null));
    IMap<String, OriginFailure> health = h.members.get(0).getMap(ClusterMaps.ORIGIN_HEALTH);
    assertThat(health.containsKey(origin.toString())).isFalse();
    assertThat(h.edge(2).metrics().scrape()).contains("cdn_origins_failing 0.0");
    awaitHeartbeatsAtNow();
  }

  @Test
  void aStaleKeyServedOnAllEdgesAtOnceIsRefreshedWithOneOriginRequest() {
    h.origin.route(
        "/swr",
        req ->
            h.vertx.setTimer(
                300,
                t -> {
                  req.response()
                      .putHeader("ETag", "\"v1\"")
                      .putHeader("Cache-Control", "max-age=10, stale-while-revalidate=600");
                  if ("\"v1\"".equals(req.getHeader("If-None-Match"))) {
                    req.response().setStatusCode(304).end();
                  } else {
                    req.response().end("swr body");
                  }
                }));
    for (int e = 0; e < 3; e++) {
      assertThat(h.get(e, "/swr").body()).isEqualTo("swr body");
      awaitFillsDone(e);
    }
    assertThat(h.origin.count("/swr")).isEqualTo(1);
    h.clock.advance(Duration.ofSeconds(30));

    List<Future<Resp>> all = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      all.add(h.send(i % 3, HttpMethod.GET, "/swr", null, null));
    }
    List<Resp> stale = await(Future.all(all)).list();
    assertThat(stale)
        .allSatisfy(
            r -> {
              assertThat(r.body()).isEqualTo("swr body");
              assertThat(r.header("X-Cache")).startsWith("Hit");
              assertThat(Long.parseLong(r.header("Age"))).isGreaterThanOrEqualTo(30);
            });
    for (int e = 0; e < 3; e++) {
      awaitFillsDone(e);
    }
    awaitNoLease("www.cdn.test/swr");
    assertThat(h.origin.count("/swr")).isEqualTo(2);
    // every edge holds a refreshed copy: one edge revalidated at the origin, the others took its
    // copy
    for (int e = 0; e < 3; e++) {
      Resp r = h.get(e, "/swr");
      assertThat(r.header("X-Cache")).startsWith("Hit");
      assertThat(Long.parseLong(r.header("Age"))).isLessThan(10);
    }
    assertThat(h.origin.count("/swr")).isEqualTo(2);
    awaitHeartbeatsAtNow();
  }

  /**
   * Every edge has written a heartbeat at the current test-clock time, so the next load window does
   * not span a clock jump of a test (which would dilute the rates another test checks).
   */
  private static void awaitHeartbeatsAtNow() {
    IMap<String, EdgeRecord> edges = h.members.get(0).getMap(ClusterMaps.EDGES);
    Await.until(
        Duration.ofSeconds(10),
        () ->
            List.of("edge-a", "edge-b", "edge-c").stream()
                .allMatch(id -> edges.get(id).heartbeatMillis() == h.clock.millis()));
  }

  /** No edge holds the fill lease of {@code key} any more. */
  private static void awaitNoLease(String key) {
    IMap<String, DirectoryEntry> dir = h.members.get(0).getMap(ClusterMaps.CACHE_DIRECTORY);
    Await.until(Duration.ofSeconds(5), () -> dir.get(key) == null || dir.get(key).lease() == null);
  }

  /** The edge's fills are over (the client may get the body before the fill has stored it). */
  private static void awaitFillsDone(int edge) {
    Await.until(
        Duration.ofSeconds(5),
        () ->
            new JsonObject(h.admin(edge, HttpMethod.GET, "/_cdn/stats", null).body())
                    .getInteger("inFlight")
                == 0);
  }
}
