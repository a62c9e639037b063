package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterFutures;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EntryChanges;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.Origin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared origin health: edges switch to stale-if-error (RFC 5861 section 4) together. Each edge
 * counts consecutive failed origin fills per origin (connect errors, timeouts, 5xx; see {@link
 * #watch}); the first edge to see {@code threshold} of them in a row writes an {@link
 * OriginFailure} into {@link ClusterMaps#ORIGIN_HEALTH} (origin URL to {@code {failingSince,
 * reportedBy, untilMillis}}, {@code untilMillis = now + holdMillis}). Every edge mirrors that map
 * locally through an entry listener, so {@link #failing} is a non-blocking lookup: while an origin
 * is failing, the HTTP stage serves a stale copy within stale-if-error at once, without first
 * waiting for its own connect error or timeout, and starts no background refresh.
 *
 * <p>Reports are signed with the cluster's record key and mirrored only when authentic ({@link
 * OriginFailure#authentic}, counted by {@link #check} otherwise), so a member without the cluster
 * secret cannot make edges give up on an origin. An edge that finds such a forged report in its way
 * when it reports overwrites it.
 *
 * <p>Recovery: any successful origin answer (status below 500) seen by any edge removes the entry.
 * Misses (no stale copy) still go to the origin while it is marked failing, and once {@code
 * untilMillis} has passed edges try the origin again; an edge whose count is still at the threshold
 * renews the report on its next failure. The Hazelcast TTL of an entry ({@code holdMillis} plus a
 * minute) only cleans up after edges that all went away.
 */
public final class OriginHealth {

  /** Consecutive failures that mark an origin failing. */
  public static final int DEFAULT_THRESHOLD = 3;

  /** How long a report holds before edges try the origin again. */
  public static final long DEFAULT_HOLD_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(OriginHealth.class);

  private final Vertx vertx;
  private final IMap<String, OriginFailure> map;

  /** The same map as read: what a member without the secret wrote may be of any type. */
  private final IMap<Object, Object> reads;

  private final String edgeId;
  private final Clock clock;
  private final int threshold;
  private final long holdMillis;
  private final RecordCheck check;
  private final Map<String, OriginFailure> known = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> consecutive = new ConcurrentHashMap<>();
  private volatile UUID listener;

  /**
   * @param check verifies the reports read and counts those ignored
   */
  public OriginHealth(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      Clock clock,
      int threshold,
      long holdMillis,
      RecordCheck check) {
    this.check = check;
    this.vertx = vertx;
    this.map = hz.getMap(ClusterMaps.ORIGIN_HEALTH);
    this.reads = hz.getMap(ClusterMaps.ORIGIN_HEALTH);
    this.edgeId = edgeId;
    this.clock = clock;
    this.threshold = threshold;
    this.holdMillis = holdMillis;
  }

  /** Registers the listener and loads the current reports. */
  public Future<Void> start() {
    return vertx.executeBlocking(
        () -> {
          listener = reads.addEntryListener(new EntryChanges<>(this::mirror, known::remove), true);
          reads.forEach(this::mirror);
          return null;
        },
        false);
  }

  /** Removes the listener. */
  public void stop() {
    UUID l = listener;
    if (l != null) {
      try {
        reads.removeEntryListener(l);
      } catch (RuntimeException e) {
        LOG.debug("removing the origin health listener failed: {}", e.toString());
      }
    }
  }

  /** The check applied to the reports read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  /**
   * Mirrors the report on {@code origin} when it is authentic; a forged one is counted and
   * forgotten.
   */
  private void mirror(Object origin, Object report) {
    if (!(origin instanceof String k)) {
      check.forged();
    } else if (check.accept(
        report instanceof OriginFailure f && f.authentic(check.mac(), k), true)) {
      known.put(k, (OriginFailure) report);
    } else {
      known.remove(k);
    }
  }

  /** Whether the cluster considers {@code origin} failing now. */
  public boolean failing(Origin origin) {
    OriginFailure f = known.get(origin.toString());
    return f != null && f.holdsAt(clock.millis());
  }

  /** How many origins the cluster considers failing now (the {@code cdn_origins_failing} gauge). */
  public int failingCount() {
    long now = clock.millis();
    return (int) known.values().stream().filter(f -> f.holdsAt(now)).count();
  }

  /** The report on {@code origin} this edge knows of, or null. */
  public OriginFailure report(Origin origin) {
    return known.get(origin.toString());
  }

  /** Wraps the origin filler: every answer or failure updates the origin's health. */
  public Filler watch(Filler origin) {
    return (key, request) ->
        origin
            .fetch(key, request)
            .andThen(
                ar -> {
                  if (ar.failed()) {
                    FillException.Kind kind = FillException.from(ar.cause()).kind();
                    if (kind == FillException.Kind.CONNECT || kind == FillException.Kind.TIMEOUT) {
                      failed(request.origin());
                    }
                  } else if (ar.result() != null) {
                    if (ar.result().status() >= 500) {
                      failed(request.origin());
                    } else {
                      succeeded(request.origin());
                    }
                  }
                });
  }

  private void failed(Origin origin) {
    String k = origin.toString();
    int n = consecutive.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    if (n < threshold || failing(origin)) {
      return;
    }
    long now = clock.millis();
    OriginFailure before = known.get(k);
    OriginFailure report =
        new OriginFailure(before == null ? now : before.failingSince(), edgeId, now + holdMillis)
            .signed(check.mac(), k);
    long ttl = holdMillis + 60_000;
    known.putIfAbsent(k, report);
    ClusterFutures.on(vertx, map.submitToKey(k, new OriginFailure.Report(report, now, ttl)))
        .onSuccess(
            result -> {
              Object o = result;
              if (!check.accept(
                  o instanceof OriginFailure f && f.authentic(check.mac(), k), true)) {
                // a report without the cluster's tag held the entry: replace it with ours
                known.put(k, report);
                ClusterFutures.on(
                    vertx,
                    map.setAsync(k, report, ttl, java.util.concurrent.TimeUnit.MILLISECONDS));
                return;
              }
              OriginFailure current = (OriginFailure) o;
              known.put(k, current);
              if (edgeId.equals(current.reportedBy())
                  && current.untilMillis() == report.untilMillis()) {
                LOG.warn(
                    "origin {} failing ({} consecutive failures): edges serve stale copies until {}",
                    k,
                    n,
                    java.time.Instant.ofEpochMilli(current.untilMillis()));
              }
            })
        .onFailure(t -> LOG.debug("reporting origin {} failing failed: {}", k, t.toString()));
  }

  private void succeeded(Origin origin) {
    String k = origin.toString();
    consecutive.remove(k);
    if (known.remove(k) != null) {
      LOG.info("origin {} answers again", k);
      ClusterFutures.on(vertx, map.removeAsync(k))
          .onFailure(t -> LOG.debug("clearing origin {} health failed: {}", k, t.toString()));
    }
  }
}
