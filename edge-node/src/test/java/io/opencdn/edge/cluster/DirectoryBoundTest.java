package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.DirectoryEntry;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A flood of distinct keys leaves the cache directory within {@code directoryMaxEntries} on every
 * member (least recently used entries evicted), and a lite member (a DNS server) holds none.
 */
class DirectoryBoundTest {

  TestCluster cluster;
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    await(vertx.close());
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aFloodOfDistinctKeysStaysWithinTheBoundOnEveryMember() {
    cluster =
        TestCluster.builder("bound-test").members(3).lite(2).directoryMaxEntries(1000).start();
    List<HazelcastInstance> members = cluster.members();
    String secret = cluster.secret();
    ClusterDirectory dir =
        new ClusterDirectory(
            vertx,
            members.get(0),
            RecordMac.fromSecret(secret),
            "edge-0",
            "eu",
            "127.0.0.10",
            clock,
            30_000);
    dir.address("127.0.0.10", 8080);
    int keys = 20_000;
    for (int batch = 0; batch < keys; batch += 500) {
      int from = batch;
      Promise<Void> done = Promise.promise();
      vertx
          .getOrCreateContext()
          .runOnContext(
              v -> {
                List<Future<Void>> all = new ArrayList<>();
                for (int k = from; k < from + 500; k++) {
                  all.add(
                      dir.stored(
                          new CacheKey("flood.test", "/u/" + k), clock.millis() + 600_000, null));
                }
                Future.all(all).<Void>mapEmpty().onComplete(done);
              });
      await(done.future());
    }
    for (int i = 0; i < 2; i++) {
      IMap<String, DirectoryEntry> map = members.get(i).getMap(ClusterMaps.CACHE_DIRECTORY);
      // Hazelcast bounds each partition to its share of the per-member size: allow its rounding
      assertThat(map.getLocalMapStats().getOwnedEntryCount())
          .as("entries owned by member %d", i)
          .isLessThanOrEqualTo(1300);
    }
    IMap<String, DirectoryEntry> lite = members.get(2).getMap(ClusterMaps.CACHE_DIRECTORY);
    assertThat(lite.getLocalMapStats().getOwnedEntryCount())
        .as("a lite member holds no partition")
        .isZero();
    assertThat(members.get(0).getMap(ClusterMaps.CACHE_DIRECTORY).size())
        .isLessThanOrEqualTo(2600)
        .isPositive();
  }
}
