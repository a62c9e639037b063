package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClaimResult;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.DirectoryEntry;
import io.opencdn.common.cluster.FillLease;
import io.opencdn.common.cluster.Holder;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.testing.Await;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache directory on three in-process members: one claim answers holders, another edge's lease
 * or a new lease; leases are exclusive, expire, die with their member and are released by a store;
 * stale holders are dropped; records without the secret's tag are refused.
 */
class ClusterDirectoryTest {

  TestCluster cluster;
  List<HazelcastInstance> members;
  final List<ClusterDirectory> dirs = new ArrayList<>();
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  String secret;
  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    cluster = TestCluster.start("dir-test", 3);
    members = cluster.members();
    secret = cluster.secret();
    String[] regions = {"eu", "eu", "us"};
    for (int i = 0; i < 3; i++) {
      HazelcastInstance hz = members.get(i);
      ClusterDirectory d =
          new ClusterDirectory(
              vertx,
              hz,
              RecordMac.fromSecret(secret),
              "edge-" + i,
              regions[i],
              "127.0.0." + (10 + i),
              clock,
              30_000);
      d.address("127.0.0." + (10 + i), 8080);
      dirs.add(d);
    }
  }

  @AfterEach
  void stop() {
    await(vertx.close());
    cluster.close();
  }

  @Test
  void theFirstClaimGetsTheLeaseAndTheOthersAreToldWhoFills() {
    CacheKey key = new CacheKey("h", "/one");
    ClaimResult a = await(dirs.get(0).claim(key, null, List.of()));
    assertThat(a.granted()).isTrue();
    assertThat(a.lease().edgeId()).isEqualTo("edge-0");
    ClaimResult b = await(dirs.get(1).claim(key, null, List.of()));
    assertThat(b.granted()).isFalse();
    assertThat(b.holders()).isEmpty();
    assertThat(b.lease()).isEqualTo(a.lease());
    assertThat(b.lease().host()).isEqualTo("127.0.0.10");
    assertThat(b.lease().port()).isEqualTo(8080);
    assertThat(dirs.get(1).authentic(key, b.lease())).isTrue();
    // the holder claiming again (a retried fill) keeps it
    assertThat(await(dirs.get(0).claim(key, null, List.of())).granted()).isTrue();
  }

  @Test
  void aStoreAnnouncesTheHolderAndReleasesTheLeaseInOneStep() {
    CacheKey key = new CacheKey("h", "/stored");
    ClaimResult a = await(dirs.get(0).claim(key, null, List.of()));
    await(dirs.get(0).stored(key, clock.millis() + 60_000, a.lease()));
    assertThat(await(dirs.get(1).lease(key))).isNull();
    // same region: edge-1 is sent to edge-0
    ClaimResult b = await(dirs.get(1).claim(key, "eu", List.of()));
    assertThat(b.granted()).isFalse();
    assertThat(b.holders()).extracting(Holder::edgeId).containsExactly("edge-0");
    assertThat(dirs.get(1).authentic(key, b.holders().get(0))).isTrue();
    // region scope: edge-2 (us) is not sent to an eu holder, it fills itself
    ClaimResult c = await(dirs.get(2).claim(key, "us", List.of()));
    assertThat(c.granted()).isTrue();
    // scope any: the eu holder counts
    CacheKey other = new CacheKey("h", "/any");
    await(dirs.get(0).stored(other, clock.millis() + 60_000, null));
    assertThat(await(dirs.get(2).claim(other, null, List.of())).holders())
        .extracting(Holder::edgeId)
        .containsExactly("edge-0");
  }

  @Test
  void aHolderNamedStaleIsDroppedAndAnExpiredOneIgnored() {
    CacheKey key = new CacheKey("h", "/stale");
    await(dirs.get(0).stored(key, clock.millis() + 60_000, null));
    ClaimResult retry = await(dirs.get(1).claim(key, null, List.of("edge-0")));
    assertThat(retry.granted()).isTrue();
    assertThat(await(dirs.get(2).holders(key))).isEmpty();

    CacheKey old = new CacheKey("h", "/old");
    await(dirs.get(0).stored(old, clock.millis() + 1_000, null));
    clock.advance(Duration.ofSeconds(2));
    assertThat(await(dirs.get(1).claim(old, null, List.of())).granted()).isTrue();
  }

  @Test
  void aLeaseIsOnlyReleasedByItsHolderAndExpiresSoNothingStaysUpdating() {
    CacheKey key = new CacheKey("h", "/expires");
    ClaimResult a = await(dirs.get(0).claim(key, null, List.of()));
    FillLease l = a.lease();
    // another lease object (an earlier one of the same edge, say) frees nothing
    await(
        dirs.get(0)
            .release(
                key,
                new FillLease(
                    l.memberUuid(),
                    l.edgeId(),
                    l.host(),
                    l.port(),
                    l.startedMillis() - 1,
                    l.expiresMillis(),
                    l.tag())));
    assertThat(await(dirs.get(1).claim(key, null, List.of())).granted()).isFalse();
    clock.advance(Duration.ofSeconds(31));
    ClaimResult after = await(dirs.get(1).claim(key, null, List.of()));
    assertThat(after.granted()).isTrue();
    assertThat(after.lease().edgeId()).isEqualTo("edge-1");
    // the former holder's late release does not free edge-1's lease
    await(dirs.get(0).release(key, l));
    assertThat(await(dirs.get(2).lease(key))).isEqualTo(after.lease());
    await(dirs.get(1).release(key, after.lease()));
    assertThat(await(dirs.get(2).lease(key))).isNull();
  }

  @Test
  void theLeaseOfAMemberThatLeftIsVoid() {
    CacheKey key = new CacheKey("h", "/dies");
    assertThat(await(dirs.get(2).claim(key, null, List.of())).granted()).isTrue();
    members.get(2).getLifecycleService().terminate();
    Await.until(Duration.ofSeconds(20), () -> members.get(0).getCluster().getMembers().size() == 2);
    Await.until(
        Duration.ofSeconds(20), () -> await(dirs.get(0).claim(key, null, List.of())).granted());
  }

  @Test
  void recordsWithoutTheSecretsTagAreRefused() {
    CacheKey key = new CacheKey("h", "/forged");
    RecordMac rogue = RecordMac.fromSecret("not-the-cluster-secret-0123456789");
    Holder forged =
        Holder.signed(
            rogue,
            key.toString(),
            "evil",
            "eu",
            members.get(0).getCluster().getLocalMember().getUuid().toString(),
            "127.0.0.66",
            8080,
            clock.millis() + 60_000);
    assertThat(dirs.get(1).authentic(key, forged)).isFalse();
    Holder moved =
        Holder.signed(
            RecordMac.fromSecret(secret), "h/other", "edge-0", "eu", "m", "127.0.0.10", 8080, 1);
    assertThat(dirs.get(1).authentic(key, moved)).as("a tag is bound to its key").isFalse();
    assertThat(dirs.get(1).forgedRecords()).isEqualTo(2);
  }

  @Test
  void entriesLiveNoLongerThanTheirLastHolderOrLease() {
    CacheKey key = new CacheKey("h", "/ttl");
    await(dirs.get(0).stored(key, clock.millis() + 60_000, null));
    await(dirs.get(0).withdraw(key));
    IMap<String, DirectoryEntry> map = members.get(0).getMap(ClusterMaps.CACHE_DIRECTORY);
    assertThat(map.containsKey(key.toString())).isFalse();
  }

  @Test
  void claimsAndAnnouncementsFromAnEventLoopGoOutInBatchesWithTheSameOutcome() {
    int n = 300;
    List<CacheKey> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new CacheKey("h", "/batch/" + i));
    }
    List<ClaimResult> first = onEventLoop(dirs.get(0), keys);
    assertThat(first).allSatisfy(r -> assertThat(r.granted()).isTrue());
    List<ClaimResult> second = onEventLoop(dirs.get(1), keys);
    assertThat(second)
        .allSatisfy(
            r -> {
              assertThat(r.granted()).isFalse();
              assertThat(r.lease().edgeId()).isEqualTo("edge-0");
            });
    io.vertx.core.Promise<Void> stored = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                io.vertx.core.Future.all(
                        keys.stream()
                            .map(
                                k ->
                                    dirs.get(0)
                                        .stored(
                                            k,
                                            clock.millis() + 60_000,
                                            first.get(keys.indexOf(k)).lease()))
                            .toList())
                    .<Void>mapEmpty()
                    .onComplete(stored));
    await(stored.future());
    List<ClaimResult> third = onEventLoop(dirs.get(1), keys);
    assertThat(third)
        .allSatisfy(
            r -> {
              assertThat(r.granted()).isFalse();
              assertThat(r.holders()).extracting(Holder::edgeId).containsExactly("edge-0");
            });
  }

  private List<ClaimResult> onEventLoop(ClusterDirectory dir, List<CacheKey> keys) {
    io.vertx.core.Promise<List<ClaimResult>> p = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              List<io.vertx.core.Future<ClaimResult>> all =
                  keys.stream().map(k -> dir.claim(k, null, List.of())).toList();
              io.vertx.core.Future.all(all).map(c -> c.<ClaimResult>list()).onComplete(p);
            });
    return await(p.future());
  }

  @Test
  void aWithdrawalThatOvertakesItsKeysAnnouncementStillWins() throws Exception {
    // the announcement waits in an event loop's outbox; the withdrawal, made off the event loop
    // (as an eviction for space is), goes out at once and reaches the partition first
    for (int i = 0; i < 20; i++) {
      CacheKey key = new CacheKey("h", "/overtaken/" + i);
      java.util.concurrent.CompletableFuture<io.vertx.core.Future<Void>> announced =
          new java.util.concurrent.CompletableFuture<>();
      vertx.runOnContext(
          v -> {
            announced.complete(dirs.get(0).stored(key, clock.millis() + 60_000, null));
            // sent at once from its own thread; not awaited here, this event loop is held
            Thread withdrawer = new Thread(() -> dirs.get(0).withdraw(key));
            withdrawer.start();
            try {
              withdrawer.join();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      await(announced.get(10, java.util.concurrent.TimeUnit.SECONDS));
      Await.until(Duration.ofSeconds(10), () -> await(dirs.get(1).holders(key)).isEmpty());
    }
    // an announcement after the withdrawal stands
    CacheKey again = new CacheKey("h", "/overtaken/0");
    await(dirs.get(0).stored(again, clock.millis() + 60_000, null));
    assertThat(await(dirs.get(1).holders(again))).extracting(Holder::edgeId).contains("edge-0");
  }

  @Test
  void anObjectEvictedForSpaceIsWithdrawnFromTheDirectory() {
    io.opencdn.edge.cache.MemoryCache memory = new io.opencdn.edge.cache.MemoryCache(64_000, clock);
    ClusterFiller filler =
        new ClusterFiller(
            (k, r) -> io.vertx.core.Future.succeededFuture(),
            dirs.get(0),
            new io.opencdn.edge.cluster.peer.PeerClient(
                vertx, io.opencdn.edge.cluster.peer.PeerToken.fromSecret(secret), clock, 1000),
            io.opencdn.edge.config.PeerScope.ANY,
            new io.opencdn.edge.cluster.purge.PurgeLog(16),
            k -> null,
            clock,
            1,
            1000,
            1000);
    ClusterCache cache =
        new ClusterCache(
            memory, new io.opencdn.edge.cluster.purge.SurrogateIndex(1000), dirs.get(0), filler);
    java.util.Set<CacheKey> gone = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 40; i++) {
      CacheKey k = new CacheKey("h", "/evict/" + i);
      io.vertx.core.MultiMap headers =
          io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Cache-Control", "max-age=600");
      await(
          cache.put(
              k,
              io.opencdn.edge.cache.CachedResponse.of(
                  200,
                  headers,
                  io.vertx.core.buffer.Buffer.buffer("x".repeat(5000)),
                  io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
                  clock.millis(),
                  clock.millis(),
                  600)));
      // ClusterCache.put announces the copy (through the filler) only when the tier kept it
    }
    for (int i = 0; i < 40; i++) {
      CacheKey k = new CacheKey("h", "/evict/" + i);
      if (await(memory.get(k)) == null) {
        gone.add(k);
      }
    }
    assertThat(gone).isNotEmpty();
    Await.until(
        Duration.ofSeconds(10),
        () -> gone.stream().allMatch(k -> await(dirs.get(1).holders(k)).isEmpty()));
    CacheKey kept = new CacheKey("h", "/evict/39");
    if (!gone.contains(kept)) {
      assertThat(await(dirs.get(1).holders(kept)))
          .extracting(Holder::edgeId)
          .containsExactly("edge-0");
    }
  }
}
