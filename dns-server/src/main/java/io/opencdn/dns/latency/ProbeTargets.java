package io.opencdn.dns.latency;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ProbeTarget;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.dns.routing.LatencyTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the client networks this DNS server sees as probe targets for the edges, into the
 * cluster map {@value ClusterMaps#LATENCY_TARGETS}: key the client prefix as the latency map uses
 * it ({@link LatencyTable#clientPrefix}: {@code 81.2.69.0/24}, {@code 2001:db8:1::/48}), value a
 * {@link ProbeTarget} (the address to probe and when it was seen) {@linkplain ProbeTarget#signed
 * signed} with the cluster's {@link RecordMac} (so a member without the secret cannot make the
 * edges probe an address of its choosing), with a map TTL of {@code ttlSeconds}. The address is the
 * one to probe: the ECS address when the query carried a Client Subnet (RFC 7871), else the
 * resolver's source address. Nothing is written while the cluster has no data member (no edge up:
 * DNS servers are lite members); targets then stay pending, within {@code maxPending}. Only public
 * addresses become targets ({@link PublicAddresses}): a client subnet from a private, loopback or
 * reserved range (anyone can put one in a query) is ignored unless {@code allowPrivate} (a lab).
 *
 * <p>{@link #record} is on the query path: it only touches a bounded {@link ConcurrentHashMap} (at
 * most {@code maxPending} prefixes; more are dropped until the next drain). Every {@code
 * drainMillis} a worker thread writes at most {@code maxPerDrain} pending prefixes, and skips
 * prefixes written less than {@code rewriteMillis} ago, so a busy server writes each prefix about
 * once per {@code rewriteMillis} and never more than {@code maxPerDrain} per drain.
 */
public final class ProbeTargets {

  private static final Logger LOG = LoggerFactory.getLogger(ProbeTargets.class);

  /** Settings: pending bound, writes per drain, drain period, rewrite period, map TTL. */
  public record Limits(
      int maxPending, int maxPerDrain, long drainMillis, long rewriteMillis, int ttlSeconds) {
    /**
     * 10 000 pending, 200 writes a second, each prefix rewritten at most once a minute, TTL 10 min.
     */
    public static final Limits DEFAULTS = new Limits(10_000, 200, 1000, 60_000, 600);
  }

  /** A pending target: the address to probe and when it was last seen. */
  record Seen(String address, long atMillis) {}

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;
  private final Clock clock;
  private final Limits limits;
  private final RecordMac mac;
  private final ConcurrentHashMap<String, Seen> pending = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> written = new ConcurrentHashMap<>();
  private final boolean allowPrivate;
  private final java.util.concurrent.atomic.LongAdder ignored =
      new java.util.concurrent.atomic.LongAdder();
  private long timer = -1;

  /** Publishes public addresses only; {@code mac} signs the targets (the cluster's record key). */
  public ProbeTargets(
      Vertx vertx, HazelcastInstance hz, Clock clock, Limits limits, RecordMac mac) {
    this(vertx, hz, clock, limits, mac, false);
  }

  /**
   * @param mac signs the targets (the cluster's record key)
   * @param allowPrivate also publish private and other special-purpose addresses (a lab)
   */
  public ProbeTargets(
      Vertx vertx,
      HazelcastInstance hz,
      Clock clock,
      Limits limits,
      RecordMac mac,
      boolean allowPrivate) {
    this(vertx, Future.succeededFuture(hz), clock, limits, mac, allowPrivate);
  }

  /**
   * Targets published by a member that may still be joining: until {@code member} completes,
   * targets stay pending (bounded by {@code maxPending}).
   *
   * @param mac signs the targets (the cluster's record key)
   * @param allowPrivate also publish private and other special-purpose addresses (a lab)
   */
  public ProbeTargets(
      Vertx vertx,
      Future<HazelcastInstance> member,
      Clock clock,
      Limits limits,
      RecordMac mac,
      boolean allowPrivate) {
    this.vertx = vertx;
    this.member = member;
    this.clock = clock;
    this.limits = limits;
    this.allowPrivate = allowPrivate;
    this.mac = mac;
  }

  /** Notes a client address (the probe target of its prefix); a special-purpose one is ignored. */
  public void record(InetAddress address) {
    if (address == null || pending.size() >= limits.maxPending()) {
      return;
    }
    if (!allowPrivate && !PublicAddresses.isPublic(address)) {
      ignored.increment();
      return;
    }
    String prefix = LatencyTable.clientPrefix(address);
    long now = clock.millis();
    Long last = written.get(prefix);
    if (last != null && now - last < limits.rewriteMillis()) {
      return;
    }
    pending.put(prefix, new Seen(address.getHostAddress(), now));
  }

  /** Drains every {@code drainMillis}. */
  public void start() {
    timer =
        vertx.setPeriodic(
            limits.drainMillis(),
            id ->
                vertx
                    .executeBlocking(this::drain, false)
                    .onFailure(e -> LOG.warn("cannot publish latency targets: {}", e.toString())));
  }

  /** Stops draining. */
  public void stop() {
    vertx.cancelTimer(timer);
  }

  /** Addresses not published because they are not public. */
  public long ignored() {
    return ignored.sum();
  }

  /** Prefixes waiting to be written. */
  public int pending() {
    return pending.size();
  }

  /**
   * Writes up to {@code maxPerDrain} pending targets (blocking Hazelcast calls: call from a worker)
   * and forgets rewrite marks older than {@code rewriteMillis}; writes nothing before the member
   * has joined.
   *
   * @return how many were written
   */
  public int drain() {
    if (!member.succeeded()) {
      return 0;
    }
    HazelcastInstance hz = member.result();
    if (hz.getCluster().getMembers().stream().allMatch(m -> m.isLiteMember())) {
      return 0; // no edge up: nobody to probe, and no partition to write to
    }
    long now = clock.millis();
    written.values().removeIf(t -> now - t >= limits.rewriteMillis());
    IMap<String, ProbeTarget> map = hz.getMap(ClusterMaps.LATENCY_TARGETS);
    List<Map.Entry<String, Seen>> batch = new ArrayList<>();
    Iterator<Map.Entry<String, Seen>> it = pending.entrySet().iterator();
    while (it.hasNext() && batch.size() < limits.maxPerDrain()) {
      Map.Entry<String, Seen> e = it.next();
      it.remove();
      batch.add(e);
    }
    List<java.util.concurrent.CompletableFuture<Void>> writes = new ArrayList<>();
    for (Map.Entry<String, Seen> e : batch) {
      written.put(e.getKey(), now);
      writes.add(
          map.setAsync(
                  e.getKey(),
                  target(e.getKey(), e.getValue(), mac),
                  limits.ttlSeconds(),
                  TimeUnit.SECONDS)
              .toCompletableFuture());
    }
    java.util.concurrent.CompletableFuture.allOf(
            writes.toArray(java.util.concurrent.CompletableFuture[]::new))
        .join();
    return batch.size();
  }

  /** The map value for the target of {@code prefix}, tagged with {@code mac}. */
  static ProbeTarget target(String prefix, Seen s, RecordMac mac) {
    return new ProbeTarget(s.address(), s.atMillis()).signed(mac, prefix);
  }

  /** Drains now, on a worker thread. */
  public Future<Void> flush() {
    return vertx.executeBlocking(
        () -> {
          drain();
          return null;
        },
        false);
  }
}
