package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.dns.config.HealthConfig;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.SnapshotHolder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Address;

/**
 * Keeps the routing snapshot in step with the cluster. Every {@code intervalMillis} it reads the
 * edge registry, drops entries whose heartbeat is older than {@link #MAX_HEARTBEAT_AGE_MILLIS} or
 * whose owning member is gone, probes every remaining edge ({@link HealthProbe}, down after {@code
 * fall} failures, up after {@code rise} successes) and publishes a new {@link EdgeSnapshot}
 * whenever something changed. A member leaving the cluster removes its edges at once.
 *
 * <p>All state is confined to one Vert.x context; readers only see published immutable snapshots.
 * Hazelcast's failure detection takes seconds; the health probes notice a killed edge within about
 * {@code fall * intervalMillis}.
 */
public final class EdgeDirectory implements EdgeSnapshotSource {

  /** Registry entries with an older heartbeat are ignored. */
  public static final long MAX_HEARTBEAT_AGE_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(EdgeDirectory.class);

  private final Vertx vertx;
  private final EdgeRecordSource records;
  private final HealthConfig health;
  private final HealthProbe probe;
  private final Clock clock;
  private final SnapshotHolder snapshot = new SnapshotHolder();
  private final HealthTracker tracker;
  private final Map<String, EdgeRecord> known = new LinkedHashMap<>();
  private Context context;
  private long timer = -1;
  private boolean cycleRunning;
  private boolean probing;
  private Runnable unregister = () -> {};

  public EdgeDirectory(
      Vertx vertx, EdgeRecordSource records, HealthConfig health, HealthProbe probe, Clock clock) {
    this.vertx = vertx;
    this.records = records;
    this.health = health;
    this.probe = probe;
    this.clock = clock;
    this.tracker = new HealthTracker(health.fall(), health.rise());
  }

  @Override
  public EdgeSnapshot current() {
    return snapshot.current();
  }

  /** Registers the membership listener, runs a first cycle and schedules the next ones. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(
        v -> {
          unregister =
              records.onMembershipChange(
                  uuid -> context.runOnContext(x -> memberLeft(uuid)),
                  () -> context.runOnContext(x -> cycle()));
          timer = vertx.setPeriodic(health.intervalMillis(), id -> cycle());
          cycle().onComplete(ar -> started.complete());
        });
    return started.future();
  }

  /** Cancels the timer and the membership listener. */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        v -> {
          vertx.cancelTimer(timer);
          unregister.run();
          stopped.complete();
        });
    return stopped.future();
  }

  /** Runs one refresh now (on the directory's context) instead of waiting for the timer. */
  public Future<Void> refresh() {
    if (context == null) {
      return Future.failedFuture(new IllegalStateException("not started"));
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> cycle().onComplete(done));
    return done.future();
  }

  /**
   * One refresh: read the registry and probe every known edge, then publish. The two run
   * independently, each skipped while its previous run is still going: a registry read can block
   * for seconds on partitions of a member that vanished without closing its sockets, and the health
   * probes must keep running meanwhile.
   */
  Future<Void> cycle() {
    Future<Void> fetch = Future.succeededFuture();
    if (!cycleRunning) {
      cycleRunning = true;
      fetch =
          records
              .fetch()
              .map(
                  all -> {
                    replaceKnown(all);
                    return (Void) null;
                  })
              .recover(
                  e -> {
                    LOG.warn("cannot read the edge registry: {}", e.toString());
                    return Future.succeededFuture();
                  })
              .onComplete(ar -> cycleRunning = false);
    }
    Future<Void> probes = Future.succeededFuture();
    if (!probing) {
      probing = true;
      probes = probeAll().onComplete(ar -> probing = false);
    }
    return Future.join(fetch, probes).mapEmpty();
  }

  private void replaceKnown(Collection<EdgeRecord> all) {
    long now = clock.millis();
    Set<String> members = records.liveMembers();
    known.clear();
    for (EdgeRecord r : all) {
      boolean fresh = now - r.heartbeatMillis() <= MAX_HEARTBEAT_AGE_MILLIS;
      boolean owned = r.memberUuid() == null || members.contains(r.memberUuid());
      if (fresh && owned) {
        known.put(r.id(), r);
      }
    }
    tracker.retain(known.keySet());
    publish();
  }

  private Future<Void> probeAll() {
    List<Future<Boolean>> probes = new ArrayList<>();
    for (EdgeRecord r : List.copyOf(known.values())) {
      // a hard deadline per probe: a probe that never completes must not stop the health checks
      probes.add(
          probe
              .probe(r)
              .timeout(
                  2L * health.timeoutMillis() + 100, java.util.concurrent.TimeUnit.MILLISECONDS)
              .otherwise(false)
              .onSuccess(
                  ok -> {
                    if (known.containsKey(r.id()) && tracker.record(r.id(), ok)) {
                      LOG.info("edge {} is {}", r.id(), ok ? "up" : "down");
                      publish();
                    }
                  }));
    }
    return Future.join(probes).otherwiseEmpty().mapEmpty();
  }

  private void memberLeft(String uuid) {
    if (known.values().removeIf(r -> uuid.equals(r.memberUuid()))) {
      LOG.info("member {} left: its edges are no longer answered", uuid);
      tracker.retain(known.keySet());
      publish();
    }
  }

  private void publish() {
    List<Edge> edges = new ArrayList<>();
    for (EdgeRecord r : known.values()) {
      Edge e = toEdge(r, tracker.healthy(r.id()));
      if (e != null) {
        edges.add(e);
      }
    }
    if (snapshot.publish(new EdgeSnapshot(edges))) {
      LOG.debug("edge snapshot: {}", edges);
    }
  }

  /** The routing view of a registry entry, or null when it has no usable address. */
  public static Edge toEdge(EdgeRecord r, boolean healthy) {
    Inet4Address v4 = (Inet4Address) literal(r.ipv4(), Address.IPv4);
    Inet6Address v6 = (Inet6Address) literal(r.ipv6(), Address.IPv6);
    if (v4 == null && v6 == null) {
      return null;
    }
    return new Edge(
        r.id(),
        r.latitude(),
        r.longitude(),
        v4,
        v6,
        r.state(),
        healthy,
        r.region(),
        r.capacity(),
        r.load());
  }

  private static InetAddress literal(String text, int family) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      InetAddress a = Address.getByAddress(text.trim(), family);
      return family == Address.IPv4
          ? (a instanceof Inet4Address ? a : null)
          : (a instanceof Inet6Address ? a : null);
    } catch (java.net.UnknownHostException e) {
      return null;
    }
  }
}
