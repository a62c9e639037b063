package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry against a real single-member Hazelcast cluster, through {@link EdgeNode}. */
class EdgeRegistryTest {

  @Test
  void writesItsRecordWhileRunningAndRemovesItOnStop() {
    try (TestCluster members = TestCluster.start("edge-test", 1)) {
      writesItsRecord(members);
    }
  }

  private static void writesItsRecord(TestCluster members) {
    ClusterConfig cluster = members.config(0);
    HazelcastInstance hz = members.member(0);
    Vertx vertx = Vertx.vertx();
    TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    try {
      EdgeConfig cfg =
          EdgeConfig.builder()
              .id("eu-west")
              .region("europe")
              .latitude(50.11)
              .longitude(8.68)
              .listen(Endpoint.parse("127.0.0.1:0"))
              .capacity(500)
              .cache(new CacheConfig(1L << 20, null))
              .distributions(List.of(new DistributionConfig("*", "http://127.0.0.1:9")))
              .cluster(cluster)
              .build();
      EdgeNode edge = new EdgeNode(vertx, cfg, hz, clock);
      int httpPort = await(edge.start());
      IMap<String, EdgeRecord> edges = hz.getMap(ClusterMaps.EDGES);

      EdgeRecord first = edges.get("eu-west");
      RecordMac mac = RecordMac.fromSecret(cluster.secret());
      assertThat(first)
          .isEqualTo(
              new EdgeRecord(
                      "eu-west",
                      "europe",
                      50.11,
                      8.68,
                      "127.0.0.1",
                      null,
                      httpPort,
                      500,
                      0,
                      EdgeState.ACTIVE,
                      hz.getCluster().getLocalMember().getUuid().toString(),
                      clock.millis())
                  .signed(mac));
      assertThat(first.authentic(mac, "eu-west")).isTrue();
      EdgeLoad load = hz.<String, EdgeLoad>getMap(ClusterMaps.EDGE_LOAD).get("eu-west");
      assertThat(load.authentic(mac, "eu-west")).isTrue();
      assertThat(load.authentic(RecordMac.fromSecret("another-secret-0123456789"), "eu-west"))
          .isFalse();

      clock.advance(Duration.ofSeconds(5));
      Await.until(
          Duration.ofSeconds(10), () -> edges.get("eu-west").heartbeatMillis() == clock.millis());

      await(edge.stop());
      assertThat(edges.containsKey("eu-west")).isFalse();
    } finally {
      await(vertx.close());
    }
  }
}
