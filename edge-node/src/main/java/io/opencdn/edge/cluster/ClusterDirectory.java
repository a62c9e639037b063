package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.BatchOp;
import io.opencdn.common.cluster.ClaimOp;
import io.opencdn.common.cluster.ClaimResult;
import io.opencdn.common.cluster.ClusterFutures;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.DirectoryEntry;
import io.opencdn.common.cluster.FillLease;
import io.opencdn.common.cluster.Holder;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.ReleaseOp;
import io.opencdn.common.cluster.StoredOp;
import io.opencdn.common.cluster.WithdrawOp;
import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This edge's view of the cluster's cache directory ({@link ClusterMaps#CACHE_DIRECTORY}): which
 * edges hold a fresh copy of a key and which edge is filling it. A miss asks once ({@link #claim});
 * announcing a stored copy with the lease's release ({@link #stored}), releasing a lease whose fill
 * was not stored ({@link #release}) and withdrawing a purged copy ({@link #withdraw}) are sent
 * without waiting for them. Records are tagged with the cluster's {@link RecordMac}; what is read
 * back is checked by the caller ({@link #authentic}).
 *
 * <p>The directory is a hint: an edge that no longer holds an object still listed answers the peer
 * request with 404, and the asking edge claims again naming it stale, which drops it.
 */
public final class ClusterDirectory {

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, DirectoryEntry> map;
  private final RecordMac mac;
  private final String edgeId;
  private final String region;
  private final Clock clock;
  private final long leaseMillis;
  private volatile String host;
  private volatile int port;
  final LongAdder forged = new LongAdder();

  /** Operations sent, and the messages (one per partition owner and flush) they went out in. */
  final LongAdder opsSent = new LongAdder();

  final LongAdder messagesSent = new LongAdder();

  /**
   * @param leaseMillis a lease expires this long after it was taken, even if never released
   */
  public ClusterDirectory(
      Vertx vertx,
      HazelcastInstance hz,
      RecordMac mac,
      String edgeId,
      String region,
      String host,
      Clock clock,
      long leaseMillis) {
    this.vertx = vertx;
    this.hz = hz;
    this.map = hz.getMap(ClusterMaps.CACHE_DIRECTORY);
    this.mac = mac;
    this.edgeId = edgeId;
    this.region = region;
    this.host = host;
    this.clock = clock;
    this.leaseMillis = leaseMillis;
  }

  /** Sets the address peers reach this edge at (once the HTTP listener is bound). */
  public void address(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** This edge's id. */
  public String edgeId() {
    return edgeId;
  }

  /** This edge's region. */
  public String region() {
    return region;
  }

  /**
   * The one cluster operation of a miss: holders in {@code scopeRegion} (null: any region) other
   * than {@code stale}, else another edge's lease, else a new lease of this edge (granted). Claims
   * made on one event loop in the same turn go out together, one message per partition owner.
   */
  public Future<ClaimResult> claim(CacheKey key, String scopeRegion, List<String> stale) {
    String k = key.toString();
    long now = clock.millis();
    FillLease lease =
        FillLease.signed(mac, k, member(), edgeId, host, port, now, now + leaseMillis);
    return send(k, new ClaimOp(lease, now, scopeRegion, stale), true).map(r -> (ClaimResult) r);
  }

  /**
   * Lists this edge as holding {@code key} until {@code expiresMillis}, releasing {@code lease}
   * (may be null); sent with the other announcements of the next {@value #ANNOUNCE_DELAY_MILLIS}
   * ms.
   */
  public Future<Void> stored(CacheKey key, long expiresMillis, FillLease lease) {
    String k = key.toString();
    Holder h = Holder.signed(mac, k, edgeId, region, member(), host, port, expiresMillis);
    Announcing a = new Announcing();
    announcing.put(k, a);
    return send(k, new StoredOp(h, lease, clock.millis()), false)
        .andThen(
            done -> {
              // a withdrawal sent while this announcement waited in an outbox may have reached
              // the key's partition first: withdraw again, now that the announcement is applied
              if (announcing.remove(k, a) && a.withdrawn) {
                send(k, new WithdrawOp(edgeId, clock.millis()), false);
              }
            })
        .mapEmpty();
  }

  /**
   * Frees {@code lease} of {@code key} if it is still the current one (batched like {@link
   * #stored}).
   */
  public Future<Void> release(CacheKey key, FillLease lease) {
    return send(key.toString(), new ReleaseOp(lease, clock.millis()), false).mapEmpty();
  }

  /** Removes this edge from the holders of {@code key} (batched like {@link #stored}). */
  public Future<Void> withdraw(CacheKey key) {
    String k = key.toString();
    Announcing a = announcing.get(k);
    if (a != null) {
      a.withdrawn = true;
    }
    return send(k, new WithdrawOp(edgeId, clock.millis()), false).mapEmpty();
  }

  /**
   * An announcement not yet applied. Operations of one key can overtake each other: those made off
   * an event loop (eviction for space runs on the cache's executor) go out at once, those of an
   * event loop wait in its outbox, and each event loop has its own.
   */
  private static final class Announcing {
    volatile boolean withdrawn;
  }

  /** The latest announcement of each key not yet applied (bounded by the operations pending). */
  private final Map<String, Announcing> announcing = new ConcurrentHashMap<>();

  /** How long announcements, releases and withdrawals wait to go out together. */
  public static final long ANNOUNCE_DELAY_MILLIS = 2;

  /**
   * Keys of one owner from which their operations go out in one message ({@link BatchOp} over
   * {@code submitToKeys}, which the owner runs as a generic-thread operation fanning out to the
   * keys' partitions); fewer go one message per key, straight to the key's partition thread, also
   * when one key has several operations.
   */
  static final int BATCH_KEYS = 2;

  /** Most operations held before they are sent. */
  private static final int MAX_PENDING = 512;

  /**
   * Operations waiting on one event loop: claims until the end of the turn, the rest a little
   * longer.
   */
  private static final class Outbox {
    final Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops = new LinkedHashMap<>();
    final Map<String, List<Promise<Object>>> results = new HashMap<>();
    int size;
    boolean scheduled;
  }

  private final ThreadLocal<Outbox[]> outboxes =
      ThreadLocal.withInitial(() -> new Outbox[] {new Outbox(), new Outbox()});

  private Future<Object> send(
      String key, EntryProcessor<String, DirectoryEntry, ?> op, boolean urgent) {
    Context ctx = Vertx.currentContext();
    if (ctx == null || !ctx.isEventLoopContext()) {
      return ClusterFutures.on(vertx, map.submitToKey(key, untyped(op)));
    }
    Outbox box = outboxes.get()[urgent ? 0 : 1];
    Promise<Object> p = Promise.promise();
    box.ops.computeIfAbsent(key, x -> new ArrayList<>(1)).add(op);
    box.results.computeIfAbsent(key, x -> new ArrayList<>(1)).add(p);
    box.size++;
    if (box.size >= MAX_PENDING) {
      flush(ctx, box);
    } else if (!box.scheduled) {
      box.scheduled = true;
      if (urgent) {
        // announcements waiting on this event loop go out with the claims (one message per owner)
        Outbox lazy = outboxes.get()[1];
        ctx.runOnContext(
            v -> {
              box.scheduled = false;
              if (lazy.size > 0) {
                lazy.ops.forEach(
                    (k, l) ->
                        box.ops.merge(
                            k,
                            l,
                            (claims, earlier) -> {
                              List<EntryProcessor<String, DirectoryEntry, ?>> all =
                                  new ArrayList<>(earlier);
                              all.addAll(claims);
                              return all;
                            }));
                lazy.results.forEach(
                    (k, l) ->
                        box.results.merge(
                            k,
                            l,
                            (claims, earlier) -> {
                              List<Promise<Object>> all = new ArrayList<>(earlier);
                              all.addAll(claims);
                              return all;
                            }));
                box.size += lazy.size;
                lazy.ops.clear();
                lazy.results.clear();
                lazy.size = 0;
              }
              flush(ctx, box);
            });
      } else {
        vertx.setTimer(ANNOUNCE_DELAY_MILLIS, id -> flush(ctx, box));
      }
    }
    return p.future();
  }

  /** Sends what {@code box} holds: one message per partition owner. */
  private void flush(Context ctx, Outbox box) {
    box.scheduled = false;
    if (box.size == 0) {
      return;
    }
    Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> ops = new LinkedHashMap<>(box.ops);
    Map<String, List<Promise<Object>>> results = new HashMap<>(box.results);
    box.ops.clear();
    box.results.clear();
    int size = box.size;
    box.size = 0;
    Map<Object, Set<String>> byOwner = new HashMap<>();
    for (String k : ops.keySet()) {
      com.hazelcast.cluster.Member owner = hz.getPartitionService().getPartition(k).getOwner();
      byOwner
          .computeIfAbsent(owner == null ? "" : owner.getUuid(), x -> new java.util.HashSet<>())
          .add(k);
    }
    opsSent.add(size);
    for (Set<String> keys : byOwner.values()) {
      messagesSent.add(keys.size() < BATCH_KEYS ? keys.size() : 1);
      if (keys.size() < BATCH_KEYS) {
        for (String k : keys) {
          List<EntryProcessor<String, DirectoryEntry, ?>> one = ops.get(k);
          EntryProcessor<String, DirectoryEntry, ?> op =
              one.size() == 1 ? one.get(0) : new BatchOp(Map.of(k, one));
          ClusterFutures.on(ctx, map.submitToKey(k, untyped(op)))
              .onComplete(ar -> complete(results.get(k), ar));
        }
        continue;
      }
      Map<String, List<EntryProcessor<String, DirectoryEntry, ?>>> sub = new HashMap<>();
      keys.forEach(k -> sub.put(k, ops.get(k)));
      ClusterFutures.on(ctx, map.submitToKeys(keys, new BatchOp(sub)))
          .onComplete(
              ar -> {
                for (String k : keys) {
                  complete(
                      results.get(k),
                      ar.succeeded()
                          ? Future.succeededFuture(ar.result().get(k))
                          : Future.failedFuture(ar.cause()));
                }
              });
    }
  }

  @SuppressWarnings("unchecked")
  private static EntryProcessor<String, DirectoryEntry, Object> untyped(
      EntryProcessor<String, DirectoryEntry, ?> op) {
    return (EntryProcessor<String, DirectoryEntry, Object>) op;
  }

  private static void complete(List<Promise<Object>> promises, AsyncResult<?> ar) {
    // several operations on one key in one batch: the batch yields the last one's result
    for (Promise<Object> p : promises) {
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    }
  }

  /**
   * True when {@code h} was written by a member knowing the cluster secret for {@code key}; counts
   * the others.
   */
  public boolean authentic(CacheKey key, Holder h) {
    boolean ok = h.authentic(mac, key.toString());
    if (!ok) {
      forged.increment();
    }
    return ok;
  }

  /**
   * True when {@code l} was taken by a member knowing the cluster secret for {@code key}; counts
   * the others.
   */
  public boolean authentic(CacheKey key, FillLease l) {
    boolean ok = l.authentic(mac, key.toString());
    if (!ok) {
      forged.increment();
    }
    return ok;
  }

  /** Operations sent so far (claims, announcements, releases, withdrawals). */
  public long opsSent() {
    return opsSent.sum();
  }

  /** Messages those operations went out in (batches: one per partition owner and flush). */
  public long messagesSent() {
    return messagesSent.sum();
  }

  /** Records read that failed authentication so far. */
  public long forgedRecords() {
    return forged.sum();
  }

  /** Every holder listed for {@code key}, expired or not (for tests and diagnostics). */
  public Future<List<Holder>> holders(CacheKey key) {
    return ClusterFutures.on(vertx, map.getAsync(key.toString()))
        .map(e -> e == null ? List.of() : e.holders());
  }

  /** The lease of {@code key} now, or null (for tests and diagnostics). */
  public Future<FillLease> lease(CacheKey key) {
    return ClusterFutures.on(vertx, map.getAsync(key.toString()))
        .map(e -> e == null ? null : e.lease());
  }

  private String member() {
    // the current member id: it changes when this member rejoins after a partition
    return hz.getCluster().getLocalMember().getUuid().toString();
  }
}
