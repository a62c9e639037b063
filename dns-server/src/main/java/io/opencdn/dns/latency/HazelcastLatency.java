package io.opencdn.dns.latency;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterReads;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.LatencyTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency measurements of the edges, read from the cluster map {@value ClusterMaps#LATENCY}
 * ({@link LatencyKey} (client prefix, edge id) to {@link LatencySample}, written by the edges)
 * every {@code refreshMillis} on a worker thread and published as an immutable {@link
 * LatencyTable}. Entries that are not a sample under a key, whose tag does not verify (written
 * without the cluster secret, or moved to another network or edge), or measured more than {@link
 * #MAX_AGE_MILLIS} ago or {@link #MAX_AHEAD_MILLIS} ahead, are skipped and counted ({@link
 * #check}). The edges set a map TTL, so dead prefixes disappear.
 */
public final class HazelcastLatency implements LatencySource {

  /**
   * Samples older than this are ignored as stale (the latency policy's own limit is at most this).
   */
  public static final long MAX_AGE_MILLIS = 86_400_000L;

  /** Samples dated further ahead than this are ignored as stale. */
  public static final long MAX_AHEAD_MILLIS = 60_000L;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLatency.class);

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;
  private final long refreshMillis;
  private final RecordCheck check;
  private final Clock clock;
  private final AtomicReference<LatencyTable> table = new AtomicReference<>(LatencyTable.EMPTY);
  private long timer = -1;

  /**
   * @param check verifies each sample and counts those ignored
   */
  public HazelcastLatency(
      Vertx vertx, HazelcastInstance hz, long refreshMillis, RecordCheck check, Clock clock) {
    this(vertx, Future.succeededFuture(hz), refreshMillis, check, clock);
  }

  /**
   * The measurements of a member that may still be joining: none until {@code member} completes.
   *
   * @param check verifies each sample and counts those ignored
   * @param clock the time samples are judged fresh at
   */
  public HazelcastLatency(
      Vertx vertx,
      Future<HazelcastInstance> member,
      long refreshMillis,
      RecordCheck check,
      Clock clock) {
    this.vertx = vertx;
    this.member = member;
    this.refreshMillis = refreshMillis;
    this.check = check;
    this.clock = clock;
  }

  /** The check applied to samples read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  @Override
  public LatencyTable current() {
    return table.get();
  }

  /** Reads the map once, then every {@code refreshMillis}. */
  public Future<Void> start() {
    timer = vertx.setPeriodic(refreshMillis, id -> refresh());
    return refresh();
  }

  /** Stops refreshing. */
  public void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * Reads the map now (nothing before the member has joined; empty while the cluster has no data
   * member: no edge is up).
   */
  public Future<Void> refresh() {
    if (!member.succeeded()) {
      return Future.succeededFuture();
    }
    HazelcastInstance hz = member.result();
    return vertx
        .executeBlocking(
            () -> {
              table.set(
                  read(
                      ClusterReads.entries(hz.getMap(ClusterMaps.LATENCY), check),
                      check,
                      clock.millis()));
              return (Void) null;
            },
            false)
        .recover(
            e -> {
              LOG.warn("cannot read the latency map: {}", e.toString());
              return Future.succeededFuture();
            });
  }

  /**
   * The table of the usable samples among {@code entries} (a map's keys and values as read), judged
   * at {@code now}.
   */
  public static LatencyTable read(Map<Object, Object> entries, RecordCheck check, long now) {
    Map<LatencyKey, LatencyTable.Sample> out = new HashMap<>();
    entries.forEach(
        (k, v) -> {
          // what a member without the secret wrote may be of any type
          LatencyKey key = k instanceof LatencyKey l ? l : null;
          LatencyTable.Sample s =
              sample(key, v instanceof LatencySample sample ? sample : null, check, now);
          if (s != null) {
            out.put(key, s);
          }
        });
    return new LatencyTable(out);
  }

  /**
   * The measurement of one map entry when it is a sample whose tag verifies under {@code key} and
   * it is neither older than {@link #MAX_AGE_MILLIS} nor further ahead of {@code now} than {@link
   * #MAX_AHEAD_MILLIS}; null otherwise (counted by {@code check}).
   */
  public static LatencyTable.Sample sample(
      LatencyKey key, LatencySample value, RecordCheck check, long now) {
    boolean authentic = key != null && value != null && value.authentic(check.mac(), key);
    boolean fresh =
        value != null
            && now - value.atMillis() <= MAX_AGE_MILLIS
            && value.atMillis() <= now + MAX_AHEAD_MILLIS;
    return check.accept(authentic, fresh)
        ? new LatencyTable.Sample(value.rttMillis(), value.atMillis())
        : null;
  }
}
