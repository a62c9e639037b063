package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cluster.ClusterHarness.Resp;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three edges in one in-process Hazelcast cluster (see {@link ClusterHarness}): load reporting,
 * drain, invalidations with receipts (the fills of the cache directory: {@link ClusterFillTest}).
 * Each test uses its own paths, so they share the cluster.
 */
class EdgeClusterTest {

  static ClusterHarness h;

  @BeforeAll
  static void startCluster() {
    h = ClusterHarness.settled("edge-cluster-test");
  }

  @AfterAll
  static void stopCluster() {
    h.close();
  }

  @Test
  void reportsLoadAgainstCapacityInTheEdgeLoadMap() {
    h.origin.content("/load", "x".repeat(1000), "Cache-Control", "max-age=60");
    for (int i = 0; i < 20; i++) {
      assertThat(h.get(0, "/load").status()).isEqualTo(200);
    }
    IMap<String, EdgeLoad> loads = h.members.get(2).getMap(ClusterMaps.EDGE_LOAD);
    Await.until(
        Duration.ofSeconds(10),
        () -> {
          EdgeLoad l = loads.get("edge-a");
          return l != null
              && l.requestsPerSecond() > 0
              && l.bytesPerSecond() >= 1000
              && l.openConnections() >= 1;
        });
    EdgeLoad l = loads.get("edge-a");
    assertThat(l.capacity()).isEqualTo(100);
    assertThat(l.utilisation()).isEqualTo(l.requestsPerSecond() / 100);
    JsonObject stats = new JsonObject(h.admin(0, HttpMethod.GET, "/_cdn/cluster", null).body());
    assertThat(stats.getString("state")).isEqualTo("ACTIVE");
    assertThat(stats.getInteger("members")).isEqualTo(3);
    assertThat(stats.getJsonObject("load").getDouble("capacity")).isEqualTo(100.0);
  }

  @Test
  void drainAndUndrainSetTheRegistryStateAndTheEdgeKeepsServing() throws Exception {
    h.origin.content("/drain", "still here", "Cache-Control", "max-age=60");
    IMap<String, EdgeRecord> edges = h.members.get(0).getMap(ClusterMaps.EDGES);
    assertThat(await(h.send(1, HttpMethod.POST, "/_cdn/drain", null, null).map(Resp::status)))
        .isEqualTo(401);
    assertThat(
            await(
                h.send(1, HttpMethod.POST, "/_cdn/drain", "wrong-token-0123456789", null)
                    .map(Resp::status)))
        .isEqualTo(401);
    assertThat(h.admin(1, HttpMethod.GET, "/_cdn/drain", null).status()).isEqualTo(405);

    Resp drained = h.admin(1, HttpMethod.POST, "/_cdn/drain", null);
    assertThat(drained.status()).isEqualTo(200);
    assertThat(new JsonObject(drained.body()).getString("state")).isEqualTo("DRAINING");
    assertThat(edges.get("edge-b").state()).isEqualTo(EdgeState.DRAINING);
    assertThat(new JsonObject(h.get(1, "/_cdn/health").body()).getString("state"))
        .isEqualTo("DRAINING");
    Resp served = h.get(1, "/drain");
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.body()).isEqualTo("still here");
    // heartbeats keep the state
    h.clock.advance(Duration.ofSeconds(2));
    Await.until(
        Duration.ofSeconds(5), () -> edges.get("edge-b").heartbeatMillis() == h.clock.millis());
    assertThat(edges.get("edge-b").state()).isEqualTo(EdgeState.DRAINING);

    assertThat(h.admin(1, HttpMethod.POST, "/_cdn/undrain", null).status()).isEqualTo(200);
    assertThat(edges.get("edge-b").state()).isEqualTo(EdgeState.ACTIVE);
    assertThat(new JsonObject(h.get(1, "/_cdn/health").body()).getString("state"))
        .isEqualTo("ACTIVE");
  }

  @Test
  void invalidationPurgesPathsWildcardsAndSurrogateKeysOnEveryEdge() throws Exception {
    h.origin.content("/inv/exact.css", "exact", "Cache-Control", "max-age=600");
    h.origin.content("/inv/img/1.png", "img1", "Cache-Control", "max-age=600");
    h.origin.content("/inv/img/2.png", "img2", "Cache-Control", "max-age=600");
    h.origin.content(
        "/inv/product", "product", "Cache-Control", "max-age=600", "Surrogate-Key", "p-42 catalog");
    h.origin.content(
        "/inv/tagged", "tagged", "Cache-Control", "max-age=600", "Cache-Tag", "news,front");
    h.origin.content("/inv/keep", "keep", "Cache-Control", "max-age=600");
    List<String> paths =
        List.of(
            "/inv/exact.css",
            "/inv/img/1.png",
            "/inv/img/2.png",
            "/inv/product",
            "/inv/tagged",
            "/inv/keep");
    for (int e = 0; e < 3; e++) {
      for (String p : paths) {
        assertThat(h.get(e, p).status()).isEqualTo(200);
      }
      for (String p : paths) {
        assertThat(h.get(e, p).header("X-Cache")).startsWith("Hit");
      }
    }
    assertThat(h.admin(0, HttpMethod.POST, "/_cdn/invalidations", "{\"paths\":[]}").status())
        .isEqualTo(400);
    assertThat(h.admin(0, HttpMethod.POST, "/_cdn/invalidations", "not json").status())
        .isEqualTo(400);
    assertThat(
            await(h.send(0, HttpMethod.POST, "/_cdn/invalidations", null, "{\"paths\":[\"/x\"]}"))
                .status())
        .isEqualTo(401);

    Resp accepted =
        h.admin(
            1,
            HttpMethod.POST,
            "/_cdn/invalidations",
            "{\"paths\":[\"/inv/exact.css\",\"/inv/img/*\",\"p-42\"],\"surrogateKeys\":[\"front\"]}");
    assertThat(accepted.status()).isEqualTo(202);
    JsonObject first = new JsonObject(accepted.body());
    String id = first.getString("id");
    assertThat(accepted.header("Location")).isEqualTo("/_cdn/invalidations/" + id);
    assertThat(first.getJsonArray("surrogateKeys").getList()).containsExactly("p-42", "front");

    JsonObject done = awaitCompleted(2, id);
    assertThat(done.getJsonArray("acknowledged").getList())
        .containsExactlyInAnyOrder("edge-a", "edge-b", "edge-c");
    assertThat(done.getJsonArray("pending").getList()).isEmpty();

    for (int e = 0; e < 3; e++) {
      assertThat(h.get(e, "/inv/keep").header("X-Cache")).startsWith("Hit");
      for (String p :
          List.of(
              "/inv/exact.css",
              "/inv/img/1.png",
              "/inv/img/2.png",
              "/inv/product",
              "/inv/tagged")) {
        Resp r = h.get(e, p);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Cache")).as("edge %d %s", e, p).startsWith("Miss");
      }
    }
    assertThat(h.admin(0, HttpMethod.GET, "/_cdn/invalidations/nope", null).status())
        .isEqualTo(404);
  }

  @Test
  void aPurgeMatchesEverySpellingOfAPath() {
    h.origin.content("/norm/b", "bee", "Cache-Control", "max-age=600");
    assertThat(h.get(0, "/norm/x/../b").header("X-Cache")).startsWith("Miss");
    assertThat(h.get(0, "/norm/%62").header("X-Cache")).startsWith("Hit");
    assertThat(
            h.admin(0, HttpMethod.POST, "/_cdn/invalidations", "{\"paths\":[\"/norm/%zz\"]}")
                .status())
        .isEqualTo(400);

    String id =
        new JsonObject(
                h.admin(0, HttpMethod.POST, "/_cdn/invalidations", "{\"paths\":[\"/norm/./%62\"]}")
                    .body())
            .getString("id");
    awaitCompleted(0, id);

    assertThat(h.get(0, "/norm/b").header("X-Cache")).startsWith("Miss");
    assertThat(h.origin.count("/norm/b")).isEqualTo(2);
  }

  @Test
  void invalidationStaysInProgressWhileALiveEdgeHasNotPurged() {
    IMap<String, EdgeRecord> edges = h.members.get(0).getMap(ClusterMaps.EDGES);
    EdgeRecord a = edges.get("edge-a");
    // a live edge that never acknowledges: its member is live but nothing listens for it
    EdgeRecord ghost =
        new EdgeRecord(
                "ghost",
                "eu",
                0,
                0,
                "127.0.0.1",
                null,
                1,
                1,
                0,
                EdgeState.ACTIVE,
                a.memberUuid(),
                0)
            .signed(io.opencdn.common.cluster.RecordMac.fromSecret(h.cluster.secret()));
    edges.put("ghost", ghost);
    try {
      String id =
          new JsonObject(
                  h.admin(0, HttpMethod.POST, "/_cdn/invalidations", "{\"paths\":[\"/ghost\"]}")
                      .body())
              .getString("id");
      Await.until(
          Duration.ofSeconds(10), () -> status(0, id).getJsonArray("acknowledged").size() == 3);
      JsonObject s = status(0, id);
      assertThat(s.getString("status")).isEqualTo("InProgress");
      assertThat(s.getJsonArray("pending").getList()).containsExactly("ghost");
      edges.remove("ghost");
      assertThat(status(0, id).getString("status")).isEqualTo("Completed");
    } finally {
      edges.remove("ghost");
    }
  }

  @Test
  void aPurgeDuringAFillNeverLeavesTheOldObjectCached() {
    Promise<Void> release = Promise.promise();
    h.origin.route(
        "/during",
        req ->
            release
                .future()
                .onComplete(
                    v -> req.response().putHeader("Cache-Control", "max-age=600").end("old")));
    Future<Resp> filling = h.send(0, HttpMethod.GET, "/during", null, null);
    Await.until(Duration.ofSeconds(5), () -> h.origin.count("/during") == 1);
    String id =
        new JsonObject(
                h.admin(1, HttpMethod.POST, "/_cdn/invalidations", "{\"paths\":[\"/during\"]}")
                    .body())
            .getString("id");
    awaitCompleted(1, id);
    h.vertx.runOnContext(v -> release.complete());
    Resp r = await(filling);
    assertThat(r.body()).isEqualTo("old");
    // the fill completes (stores, then drops the purged object) right after the body went out
    Await.until(
        Duration.ofSeconds(5),
        () ->
            new JsonObject(h.admin(0, HttpMethod.GET, "/_cdn/stats", null).body())
                    .getInteger("inFlight")
                == 0);
    assertThat(await(h.edge(0).cache().get(new CacheKey("www.cdn.test", "/during")))).isNull();
    h.origin.content("/during", "new", "Cache-Control", "max-age=600");
    Resp after = h.get(0, "/during");
    assertThat(after.body()).isEqualTo("new");
    assertThat(after.header("X-Cache")).startsWith("Miss");
    assertThat(h.origin.count("/during")).isEqualTo(2);
  }

  private static JsonObject status(int edge, String id) {
    Resp r = h.admin(edge, HttpMethod.GET, "/_cdn/invalidations/" + id, null);
    assertThat(r.status()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static JsonObject awaitCompleted(int edge, String id) {
    Await.until(
        Duration.ofSeconds(10), () -> status(edge, id).getString("status").equals("Completed"));
    return status(edge, id);
  }
}
