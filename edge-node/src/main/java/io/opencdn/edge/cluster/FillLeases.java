package io.opencdn.edge.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide single flight: the {@link EdgeClusterNames#FILLS} map holds at most one
 * {@link FillLease} per cache key, taken atomically on its partition (an entry processor acting as {@code putIfAbsent} with a TTL). The edge that gets it fills
 * from the origin; the others {@link #awaitRelease wait} until the lease is gone and then look
 * for the filler in the cache directory.
 *
 * <p>Nothing stays "updating" forever: a lease carries a Hazelcast TTL of {@code maxAgeMillis};
 * when a member leaves the cluster every member's {@link MembershipListener} removes the leases
 * it held at once (idempotent); the holder removes its lease with a conditional remove, so an
 * expired and re-taken lease is never freed by its former holder. Waiters are woken by a
 * removed/expired/evicted entry listener and, as a safety net against a lost event, poll the
 * map every {@code pollMillis}.
 */
public final class FillLeases {

  private static final Logger LOG = LoggerFactory.getLogger(FillLeases.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, FillLease> fills;
  private final String edgeId;
  private final Clock clock;
  private final long maxAgeMillis;
  private final long pollMillis;
  private final Map<String, List<Promise<Void>>> waiters = new ConcurrentHashMap<>();
  private UUID entryListener;
  private UUID membershipListener;

  public FillLeases(Vertx vertx, HazelcastInstance hz, String edgeId, Clock clock, long maxAgeMillis, long pollMillis) {
    this.vertx = vertx;
    this.hz = hz;
    this.fills = hz.getMap(EdgeClusterNames.FILLS);
    this.edgeId = edgeId;
    this.clock = clock;
    this.maxAgeMillis = maxAgeMillis;
    this.pollMillis = pollMillis;
  }

  /** Registers the listeners. */
  public FillLeases start() {
    entryListener = fills.addEntryListener(new Released(), false);
    membershipListener = hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {}

      @Override
      public void memberRemoved(MembershipEvent e) {
        freeLeasesOf(e.getMember().getUuid().toString());
      }
    });
    return this;
  }

  /** Removes the listeners and wakes every waiter. */
  public void stop() {
    if (entryListener != null && hz.getLifecycleService().isRunning()) {
      try {
        fills.removeEntryListener(entryListener);
        hz.getCluster().removeMembershipListener(membershipListener);
      } catch (RuntimeException e) {
        LOG.debug("removing fill lease listeners failed: {}", e.toString());
      }
    }
    waiters.keySet().forEach(this::wake);
  }

  /** Tries to take the lease of {@code key}; yields the lease when taken, null when another edge holds it. */
  public Future<FillLease> tryAcquire(CacheKey key) {
    FillLease lease = new FillLease(hz.getCluster().getLocalMember().getUuid().toString(), edgeId, clock.millis());
    return Future.fromCompletionStage(fills.submitToKey(key.toString(), new FillLease.Acquire(lease, maxAgeMillis)))
        .map(previous -> previous == null ? lease : null);
  }

  /** Frees a lease taken with {@link #tryAcquire}, only while it is still ours (not expired and re-taken). */
  public Future<Void> release(CacheKey key, FillLease lease) {
    return Future.fromCompletionStage(fills.submitToKey(key.toString(), new FillLease.ReleaseIfHeld(lease))).mapEmpty();
  }

  /** Who holds the lease of {@code key} now, or null. */
  public Future<FillLease> holder(CacheKey key) {
    return Future.fromCompletionStage(fills.getAsync(key.toString()));
  }

  /**
   * Completes when no lease is held for {@code key} any more (released, expired, or its holder
   * left), or after {@code maxAgeMillis} at the latest.
   */
  public Future<Void> awaitRelease(CacheKey key) {
    String k = key.toString();
    Promise<Void> p = Promise.promise();
    waiters.computeIfAbsent(k, x -> new CopyOnWriteArrayList<>()).add(p);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxAgeMillis);
    long timer = vertx.setPeriodic(1, pollMillis, id -> {
      if (System.nanoTime() > deadline) {
        p.tryComplete();
        return;
      }
      fills.getAsync(k).thenAccept(held -> {
        if (held == null) {
          p.tryComplete();
        }
      });
    });
    return p.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      List<Promise<Void>> l = waiters.get(k);
      if (l != null) {
        l.remove(p);
        waiters.computeIfPresent(k, (x, v) -> v.isEmpty() ? null : v);
      }
    });
  }

  /** Number of keys this edge waits on. */
  public int waiting() {
    return waiters.size();
  }

  private void wake(String key) {
    List<Promise<Void>> l = waiters.get(key);
    if (l != null) {
      l.forEach(Promise::tryComplete);
    }
  }

  private void freeLeasesOf(String memberUuid) {
    try {
      vertx.executeBlocking(() -> {
        fills.removeAll(new FillLease.HeldBy(memberUuid));
        return null;
      }, false).onFailure(t -> LOG.warn("freeing fill leases of {} failed: {}", memberUuid, t.toString()));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // this edge's Vert.x is shutting down: the surviving members free the leases
    }
  }

  private final class Released implements EntryRemovedListener<String, FillLease>,
      EntryExpiredListener<String, FillLease>, EntryEvictedListener<String, FillLease> {
    @Override
    public void entryRemoved(EntryEvent<String, FillLease> e) {
      wake(e.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, FillLease> e) {
      wake(e.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, FillLease> e) {
      wake(e.getKey());
    }
  }
}
