package io.opencdn.edge.cluster.purge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Invalidations on one real member, with records written by a member without the cluster secret:
 * they neither purge nor change what the status says.
 */
class InvalidationsTest {

  static TestCluster cluster;
  static HazelcastInstance hz;
  static Vertx vertx;
  static RecordMac mac;
  static final RecordMac ROGUE = RecordMac.fromSecret("not-the-cluster-secret-0123");
  static final List<PurgeRequest> applied = new CopyOnWriteArrayList<>();
  static Invalidations invalidations;

  @BeforeAll
  static void start() {
    cluster = TestCluster.builder("invalidations-test").timing(1000, 5000).start();
    hz = cluster.member(0);
    mac = cluster.mac();
    vertx = Vertx.vertx();
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).put("edge-a", edge("edge-a").signed(mac));
    invalidations =
        new Invalidations(
                vertx,
                hz,
                "edge-a",
                Clock.systemUTC(),
                r -> {
                  applied.add(r);
                  return Future.succeededFuture();
                },
                60_000,
                new RecordCheck(mac),
                new RecordCheck(mac))
            .start();
  }

  @AfterAll
  static void stop() {
    invalidations.stop();
    await(vertx.close());
    cluster.close();
  }

  static EdgeRecord edge(String id) {
    return new EdgeRecord(
        id,
        "eu",
        0,
        0,
        "127.0.0.1",
        null,
        1,
        1,
        0,
        EdgeState.ACTIVE,
        hz.getCluster().getLocalMember().getUuid().toString(),
        System.currentTimeMillis());
  }

  @Test
  void aRequestPublishedWithoutTheSecretPurgesNothing() {
    var topic = hz.<Object>getReliableTopic(ClusterMaps.PURGES);
    topic.publish(
        new PurgeRequest("forged-1", null, List.of("/*"), List.of(), System.currentTimeMillis())
            .signed(ROGUE));
    topic.publish(
        new PurgeRequest("forged-2", null, List.of("/*"), List.of(), System.currentTimeMillis()));
    topic.publish("not a request");
    JsonObject accepted = await(invalidations.submit(null, List.of("/real"), List.of()));
    Await.until(
        Duration.ofSeconds(10),
        () -> applied.stream().anyMatch(r -> r.id().equals(accepted.getString("id"))));
    assertThat(applied).extracting(PurgeRequest::id).doesNotContain("forged-1", "forged-2");
    assertThat(invalidations.check().forgedCount()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void forgedRecordsAndReceiptsDoNotChangeTheStatus() {
    // an invalidation the rogue made up: unknown
    PurgeRequest made =
        new PurgeRequest("made-up", null, List.of("/x"), List.of(), System.currentTimeMillis())
            .signed(ROGUE);
    hz.getMap(ClusterMaps.INVALIDATIONS)
        .put("made-up", new InvalidationRecord(made, Set.of("edge-a")).signed(ROGUE));
    assertThat(await(invalidations.status("made-up"))).isNull();

    // a real one waiting for a live edge that has not purged: a forged receipt in its name does not
    // complete it
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).put("ghost", edge("ghost").signed(mac));
    try {
      String id = await(invalidations.submit(null, List.of("/ghost"), List.of())).getString("id");
      Await.until(
          Duration.ofSeconds(10),
          () -> await(invalidations.status(id)).getJsonArray("acknowledged").size() == 1);
      HashMap<String, Object> acks =
          new HashMap<>(hz.<String, HashMap<String, Object>>getMap(ClusterMaps.PURGE_ACKS).get(id));
      acks.put("ghost", PurgeAck.Receipt.signed(ROGUE, id, "ghost", System.currentTimeMillis()));
      hz.getMap(ClusterMaps.PURGE_ACKS).put(id, acks);
      JsonObject s = await(invalidations.status(id));
      assertThat(s.getString("status")).isEqualTo("InProgress");
      assertThat(s.getJsonArray("pending").getList()).containsExactly("ghost");
      acks.put("ghost", 12345L); // not even a receipt
      hz.getMap(ClusterMaps.PURGE_ACKS).put(id, acks);
      assertThat(await(invalidations.status(id)).getJsonArray("pending").getList())
          .containsExactly("ghost");
      // the status is Completed only with the edge's own receipt
      acks.put("ghost", PurgeAck.Receipt.signed(mac, id, "ghost", System.currentTimeMillis()));
      hz.getMap(ClusterMaps.PURGE_ACKS).put(id, acks);
      assertThat(await(invalidations.status(id)).getString("status")).isEqualTo("Completed");
    } finally {
      hz.getMap(ClusterMaps.EDGES).remove("ghost");
    }
  }
}
