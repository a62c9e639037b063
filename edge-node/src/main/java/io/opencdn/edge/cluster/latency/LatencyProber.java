package io.opencdn.edge.cluster.latency;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterReads;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.cluster.ProbeTarget;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.config.LatencyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures this edge's RTT to the client networks the DNS servers see and publishes it for their
 * latency ranking.
 *
 * <p>Every {@code intervalMillis}, on a worker thread (never the event loop), one round: read the
 * cluster map {@value ClusterMaps#LATENCY_TARGETS} (written by the DNS servers: client prefix
 * {@code 81.2.69.0/24} to a {@link ProbeTarget}), keep the targets whose tag verifies and that were
 * seen within {@link #MAX_TARGET_AGE_MILLIS} (the others are counted by {@link #check}: a member
 * without the cluster secret cannot make the edges probe an address of its choosing), take the
 * {@code maxTargets} most recently seen, measure them together with the {@link Connector} (at most
 * {@code timeoutMillis}), smooth each prefix's samples with an EWMA of gain {@value #ALPHA} (the
 * SRTT of RFC 6298 2.3 uses 1/8; a larger gain follows route changes faster), and write {@link
 * LatencyKey} (prefix, edge id) -> {@link LatencySample} (RTT, time, signed with the cluster's
 * record key) into {@value ClusterMaps#LATENCY} with a TTL of {@link #ttlSeconds}. A round still
 * running when the next is due makes that one skip, so probes never pile up. A prefix without a
 * sample in a round keeps its last value until the TTL ends.
 */
public final class LatencyProber {

  /**
   * Targets seen longer ago than this (the DNS servers' TTL is 10 minutes), or as far ahead, are
   * stale.
   */
  public static final long MAX_TARGET_AGE_MILLIS = 900_000;

  /** EWMA gain of a new sample. */
  public static final double ALPHA = 0.3;

  private static final Logger LOG = LoggerFactory.getLogger(LatencyProber.class);

  /** One target as published by a DNS server. */
  public record Target(String prefix, InetAddress address, long seenAtMillis) {}

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final String edgeId;
  private final LatencyConfig config;
  private final Connector connector;
  private final Clock clock;
  private final RecordCheck check;
  private final Map<String, Double> srtt = new HashMap<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile long rounds;
  private long timer = -1;

  /**
   * @param check verifies the targets read and signs the measurements written (the cluster's record
   *     key)
   */
  public LatencyProber(
      Vertx vertx,
      HazelcastInstance hz,
      String edgeId,
      LatencyConfig config,
      Connector connector,
      Clock clock,
      RecordCheck check) {
    this.check = check;
    this.vertx = vertx;
    this.hz = hz;
    this.edgeId = edgeId;
    this.config = config;
    this.connector = connector;
    this.clock = clock;
  }

  /** Probes every {@code intervalMillis}. */
  public void start() {
    timer = vertx.setPeriodic(config.intervalMillis(), id -> round());
  }

  /** Stops probing (a round in flight finishes). */
  public void stop() {
    vertx.cancelTimer(timer);
  }

  /**
   * Runs one round on a worker thread unless one is running; yields how many values were written (0
   * when skipped).
   */
  public Future<Integer> round() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    return vertx
        .executeBlocking(this::probeOnce, false)
        .onComplete(r -> running.set(false))
        .recover(
            e -> {
              LOG.warn("latency round failed: {}", e.toString());
              return Future.succeededFuture(0);
            });
  }

  /** Rounds completed. */
  public long rounds() {
    return rounds;
  }

  /** Seconds a written value lives: ten intervals, at least a minute. */
  public long ttlSeconds() {
    return Math.max(60, config.intervalMillis() * 10L / 1000);
  }

  /** One round, blocking (Hazelcast and the connector): a worker thread only. */
  synchronized int probeOnce() {
    List<Target> targets = targets();
    Map<InetSocketAddress, List<Target>> byAddress = new HashMap<>();
    for (Target t : targets) {
      byAddress
          .computeIfAbsent(
              new InetSocketAddress(t.address(), config.port()), a -> new ArrayList<>())
          .add(t);
    }
    Map<InetSocketAddress, Double> samples =
        connector.measure(
            new ArrayList<>(byAddress.keySet()), config.source(), config.timeoutMillis());
    long now = clock.millis();
    IMap<LatencyKey, LatencySample> out = hz.getMap(ClusterMaps.LATENCY);
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    samples.forEach(
        (address, rtt) -> {
          for (Target t : byAddress.getOrDefault(address, List.of())) {
            double s =
                srtt.merge(t.prefix(), rtt, (old, sample) -> (1 - ALPHA) * old + ALPHA * sample);
            LatencyKey key = new LatencyKey(t.prefix(), edgeId);
            writes.add(
                out.setAsync(key, sample(key, s, now, check.mac()), ttlSeconds(), TimeUnit.SECONDS)
                    .toCompletableFuture());
          }
        });
    srtt.keySet().retainAll(targets.stream().map(Target::prefix).toList());
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    rounds++;
    LOG.debug("latency round: {} targets, {} samples", targets.size(), samples.size());
    return writes.size();
  }

  /** The smoothed RTT of {@code prefix} so far, or NaN. */
  public synchronized double smoothed(String prefix) {
    Double s = srtt.get(prefix);
    return s == null ? Double.NaN : s;
  }

  /** The check of targets read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  /**
   * The map value of one measurement stored under {@code key} (RTT to the microsecond), tagged with
   * {@code mac}.
   */
  static LatencySample sample(LatencyKey key, double rttMillis, long atMillis, RecordMac mac) {
    return new LatencySample(Math.round(rttMillis * 1000) / 1000.0, atMillis).signed(mac, key);
  }

  /** The {@code maxTargets} most recently seen valid targets. */
  List<Target> targets() {
    List<Target> all = new ArrayList<>();
    long now = clock.millis();
    ClusterReads.entries(hz.getMap(ClusterMaps.LATENCY_TARGETS), check)
        .forEach(
            (prefix, v) -> {
              // what a member without the secret wrote may be of any type
              Target t =
                  target(
                      prefix instanceof String p ? p : null,
                      v instanceof ProbeTarget pt ? pt : null,
                      check,
                      now);
              if (t != null) {
                all.add(t);
              }
            });
    all.sort(Comparator.comparingLong(Target::seenAtMillis).reversed());
    return all.size() > config.maxTargets() ? all.subList(0, config.maxTargets()) : all;
  }

  /**
   * The target of one map entry, or null when it is not a {@link ProbeTarget} under a prefix, or
   * its tag does not verify for {@code prefix}, or it is stale (counted by {@code check}), or its
   * address is not an IP literal (never a DNS lookup).
   */
  static Target target(String prefix, ProbeTarget value, RecordCheck check, long now) {
    boolean authentic = prefix != null && value != null && value.authentic(check.mac(), prefix);
    if (!check.accept(
        authentic,
        value != null && Math.abs(now - value.seenAtMillis()) <= MAX_TARGET_AGE_MILLIS)) {
      return null;
    }
    String a = value.address();
    if (!a.matches("[0-9a-fA-F:.]+") || !(a.contains(".") || a.contains(":"))) {
      return null; // a literal only: never a DNS lookup
    }
    try {
      return new Target(prefix, InetAddress.getByName(a), value.seenAtMillis());
    } catch (Exception e) {
      return null;
    }
  }
}
