package io.opencdn.edge.cluster;

import static io.opencdn.edge.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.Await;
import io.opencdn.edge.TestClock;
import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fill leases on three in-process members: exclusivity, release, max age, and a holder that dies. */
class FillLeasesTest {

  final List<HazelcastInstance> members = new ArrayList<>();
  final List<FillLeases> leases = new ArrayList<>();
  Vertx vertx;
  final Clock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    int port = ThreadLocalRandom.current().nextInt(20000, 39900);
    String secret = AdminToken.random();
    for (int i = 0; i < 3; i++) {
      ClusterConfig c = new ClusterConfig("lease-test", secret, Endpoint.parse("127.0.0.1:" + (port + i)),
          List.of("127.0.0.1:" + port + "-" + (port + 5)), null, null);
      HazelcastInstance hz = ClusterNode.start(c, "lease-test-" + port + "-" + i, false);
      members.add(hz);
      leases.add(new FillLeases(vertx, hz, "edge-" + i, clock, i == 1 ? 600_000 : 1500, 5000).start());
    }
    Await.until(Duration.ofSeconds(20), () -> members.get(0).getCluster().getMembers().size() == 3);
    Await.until(Duration.ofSeconds(30), () -> members.stream().allMatch(m -> m.getPartitionService().isClusterSafe()));
  }

  @AfterEach
  void stop() {
    leases.forEach(FillLeases::stop);
    await(vertx.close());
    members.forEach(m -> m.getLifecycleService().terminate());
  }

  @Test
  void oneHolderPerKeyUntilReleased() {
    CacheKey key = new CacheKey("h", "/one");
    FillLease a = await(leases.get(0).tryAcquire(key));
    assertThat(a).isNotNull();
    assertThat(a.edgeId()).isEqualTo("edge-0");
    assertThat(await(leases.get(1).tryAcquire(key))).isNull();
    assertThat(await(leases.get(2).holder(key))).isEqualTo(a);
    Future<Void> waiting = leases.get(2).awaitRelease(key);
    assertThat(waiting.isComplete()).isFalse();
    // a stale lease object (not the current one) frees nothing
    await(leases.get(0).release(key, new FillLease(a.memberUuid(), "edge-0", a.startedMillis() - 1)));
    assertThat(await(leases.get(1).holder(key))).isEqualTo(a);
    await(leases.get(0).release(key, a));
    await(waiting);
    assertThat(await(leases.get(1).tryAcquire(key))).isNotNull();
  }

  @Test
  void aLeaseExpiresAfterItsMaxAgeSoNothingStaysUpdatingForever() {
    CacheKey key = new CacheKey("h", "/expires");
    assertThat(await(leases.get(0).tryAcquire(key))).isNotNull(); // max age 1.5 s, never released
    long t0 = System.nanoTime();
    await(leases.get(2).awaitRelease(key));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(await(leases.get(2).tryAcquire(key))).isNotNull();
  }

  @Test
  void theLeasesOfAMemberThatDiesAreFreedAtOnceAndWaitersRetry() {
    CacheKey key = new CacheKey("h", "/dies");
    // edge-1's leases have a 10-minute max age: only membership can free them in this test
    assertThat(await(leases.get(1).tryAcquire(key))).isNotNull();
    Future<Void> waiter = leases.get(0).awaitRelease(key);
    IMap<String, FillLease> fills = members.get(0).getMap(EdgeClusterNames.FILLS);
    assertThat(fills.containsKey(key.toString())).isTrue();
    long t0 = System.nanoTime();
    members.get(1).getLifecycleService().terminate();
    await(waiter);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(12));
    Await.until(Duration.ofSeconds(5), () -> !fills.containsKey(key.toString()));
    assertThat(await(leases.get(0).tryAcquire(key))).isNotNull();
  }
}
