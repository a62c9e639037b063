package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterFutures;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.config.AdvertiseConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this edge's {@link EdgeRecord} in the cluster's {@link ClusterMaps#EDGES} map: written on
 * {@link #start()} and every interval on a Vert.x timer with the load (requests per second since
 * the previous write), the state (ACTIVE, or DRAINING after {@link #drain}) and the heartbeat time
 * from the injected clock; removed on {@link #stop()}. With each write it also puts an {@link
 * EdgeLoad} (requests/s, bytes/s, open connections, capacity) into {@link ClusterMaps#EDGE_LOAD}.
 * Entries carry a Hazelcast TTL of ten intervals so a wedged edge disappears by itself. Both
 * records are signed with the cluster's {@link RecordMac} (readers ignore unsigned ones). All
 * Hazelcast calls are asynchronous, bridged with {@link io.opencdn.common.cluster.ClusterFutures}.
 */
public final class EdgeRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeRegistry.class);

  /** Interval of the edges' registry heartbeats. */
  public static final long HEARTBEAT_MILLIS = 1000;

  private final Vertx vertx;
  private final IMap<String, EdgeRecord> edges;
  private final EdgeRecord template;
  private final HazelcastInstance hz;
  private final LongSupplier requestCount;
  private final LongSupplier byteCount;
  private final IntSupplier openConnections;
  private final IMap<String, EdgeLoad> loads;
  private volatile EdgeState state = EdgeState.ACTIVE;
  private volatile EdgeLoad lastLoad;
  private final Clock clock;
  private final long intervalMillis;
  private final RecordMac mac;
  private volatile long timerId = -1;
  private volatile boolean stopped;
  private volatile Future<?> lastWrite = Future.succeededFuture();
  private long lastCount;
  private long lastBytes;
  private long lastMillis;

  /**
   * @param mac signs the records (the cluster's record key)
   * @param template the record to publish; load, state and heartbeat are filled in on each write
   * @param requestCount monotonic count of requests served, for the load figure
   */
  public EdgeRegistry(
      Vertx vertx,
      HazelcastInstance hz,
      RecordMac mac,
      EdgeRecord template,
      LongSupplier requestCount,
      Clock clock,
      long intervalMillis) {
    this(vertx, hz, mac, template, requestCount, () -> 0, () -> 0, clock, intervalMillis);
  }

  /**
   * @param mac signs the records (the cluster's record key)
   * @param template the record to publish; load, state and heartbeat are filled in on each write
   * @param requestCount monotonic count of requests served, for the load figure
   * @param byteCount monotonic count of response bytes written
   * @param openConnections client connections open now
   */
  public EdgeRegistry(
      Vertx vertx,
      HazelcastInstance hz,
      RecordMac mac,
      EdgeRecord template,
      LongSupplier requestCount,
      LongSupplier byteCount,
      IntSupplier openConnections,
      Clock clock,
      long intervalMillis) {
    this.mac = mac;
    this.byteCount = byteCount;
    this.openConnections = openConnections;
    this.loads = hz.getMap(ClusterMaps.EDGE_LOAD);
    this.hz = hz;
    this.vertx = vertx;
    this.edges = hz.getMap(ClusterMaps.EDGES);
    this.template = template;
    this.requestCount = requestCount;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /**
   * The record an edge with {@code config} publishes (ACTIVE, no load yet): id, region, location,
   * advertised addresses, capacity, its HTTP port and its cluster member.
   */
  public static EdgeRecord template(
      EdgeConfig config, int httpPort, String memberUuid, long nowMillis) {
    AdvertiseConfig a = config.advertise();
    return new EdgeRecord(
        config.id(),
        config.region(),
        config.latitude(),
        config.longitude(),
        a.ipv4(),
        a.ipv6(),
        httpPort,
        config.capacity(),
        0,
        EdgeState.ACTIVE,
        memberUuid,
        nowMillis);
  }

  /** Writes the first record, then starts the heartbeat timer. */
  public Future<Void> start() {
    lastCount = requestCount.getAsLong();
    lastBytes = byteCount.getAsLong();
    lastMillis = clock.millis();
    return write(0, 0)
        .onSuccess(
            v -> {
              if (!stopped) {
                timerId = vertx.setPeriodic(intervalMillis, id -> heartbeat());
              }
            });
  }

  /** Stops the heartbeat and removes the record (after any write still in flight). */
  public Future<Void> stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return lastWrite
        .transform(ignored -> ClusterFutures.on(vertx, edges.removeAsync(template.id())))
        .compose(v -> ClusterFutures.on(vertx, loads.removeAsync(template.id())))
        .mapEmpty();
  }

  /**
   * Marks this edge DRAINING (DNS stops sending new clients; it keeps serving) or ACTIVE again, and
   * writes the record at once.
   */
  public Future<Void> state(EdgeState newState) {
    state = newState;
    return stopped
        ? Future.succeededFuture()
        : write(
            lastLoad == null ? 0 : lastLoad.requestsPerSecond(),
            lastLoad == null ? 0 : lastLoad.bytesPerSecond());
  }

  /** The state this edge publishes. */
  public EdgeState state() {
    return state;
  }

  /** The load figures of the last write, or null before the first. */
  public EdgeLoad load() {
    return lastLoad;
  }

  /** The record as it would be written now with {@code load} (signed). */
  public EdgeRecord record(double load) {
    EdgeRecord t = template;
    // the member id is read on every write: a member that rejoins after a partition gets a new
    // one, and DNS ignores records whose member is not in the cluster
    String member = memberUuid(t.memberUuid());
    return new EdgeRecord(
            t.id(),
            t.region(),
            t.latitude(),
            t.longitude(),
            t.ipv4(),
            t.ipv6(),
            t.httpPort(),
            t.capacity(),
            load,
            state,
            member,
            clock.millis())
        .signed(mac);
  }

  private String memberUuid(String fallback) {
    try {
      return hz.getCluster().getLocalMember().getUuid().toString();
    } catch (RuntimeException notRunning) {
      return fallback;
    }
  }

  private void heartbeat() {
    if (stopped) {
      return;
    }
    long now = clock.millis();
    long count = requestCount.getAsLong();
    long elapsed = now - lastMillis > 0 ? now - lastMillis : intervalMillis;
    long bytes = byteCount.getAsLong();
    double load = (count - lastCount) * 1000.0 / elapsed;
    double bytesPerSecond = (bytes - lastBytes) * 1000.0 / elapsed;
    lastCount = count;
    lastBytes = bytes;
    lastMillis = now;
    write(load, bytesPerSecond)
        .onFailure(
            t -> LOG.warn("edge {}: registry write failed: {}", template.id(), t.toString()));
  }

  private Future<Void> write(double load, double bytesPerSecond) {
    long now = clock.millis();
    EdgeLoad l =
        new EdgeLoad(
                template.id(),
                load,
                bytesPerSecond,
                openConnections.getAsInt(),
                template.capacity(),
                template.capacity() > 0 ? load / template.capacity() : 0,
                now)
            .signed(mac);
    lastLoad = l;
    Future<Void> f =
        ClusterFutures.on(
                vertx,
                edges.putAsync(
                    template.id(), record(load), 10 * intervalMillis, TimeUnit.MILLISECONDS))
            .compose(
                v ->
                    ClusterFutures.on(
                        vertx,
                        loads.setAsync(
                            template.id(), l, 10 * intervalMillis, TimeUnit.MILLISECONDS)))
            .mapEmpty();
    lastWrite = f;
    return f;
  }
}
