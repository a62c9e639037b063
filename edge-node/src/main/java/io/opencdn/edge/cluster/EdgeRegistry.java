package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this edge's {@link EdgeRecord} in the cluster's {@link ClusterMaps#EDGES} map: written on
 * {@link #start()} and every interval on a Vert.x timer with the load (requests per second since
 * the previous write) and the heartbeat time from the injected clock; removed on {@link #stop()}.
 * Entries also carry a Hazelcast TTL of ten intervals so a wedged edge disappears by itself.
 * All Hazelcast calls are asynchronous, bridged with {@link Future#fromCompletionStage}.
 */
public final class EdgeRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeRegistry.class);

  private final Vertx vertx;
  private final IMap<String, EdgeRecord> edges;
  private final EdgeRecord template;
  private final LongSupplier requestCount;
  private final Clock clock;
  private final long intervalMillis;
  private volatile long timerId = -1;
  private volatile boolean stopped;
  private volatile Future<?> lastWrite = Future.succeededFuture();
  private long lastCount;
  private long lastMillis;

  /**
   * @param template the record to publish; load, state and heartbeat are filled in on each write
   * @param requestCount monotonic count of requests served, for the load figure
   */
  public EdgeRegistry(Vertx vertx, HazelcastInstance hz, EdgeRecord template, LongSupplier requestCount, Clock clock,
      long intervalMillis) {
    this.vertx = vertx;
    this.edges = hz.getMap(ClusterMaps.EDGES);
    this.template = template;
    this.requestCount = requestCount;
    this.clock = clock;
    this.intervalMillis = intervalMillis;
  }

  /** Writes the first record, then starts the heartbeat timer. */
  public Future<Void> start() {
    lastCount = requestCount.getAsLong();
    lastMillis = clock.millis();
    return write(0).onSuccess(v -> {
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
    return lastWrite.transform(ignored -> Future.fromCompletionStage(edges.removeAsync(template.id()))).mapEmpty();
  }

  /** The record as it would be written now with {@code load}. */
  public EdgeRecord record(double load) {
    return template.withLoad(load, EdgeState.ACTIVE, clock.millis());
  }

  private void heartbeat() {
    if (stopped) {
      return;
    }
    long now = clock.millis();
    long count = requestCount.getAsLong();
    long elapsed = now - lastMillis > 0 ? now - lastMillis : intervalMillis;
    double load = (count - lastCount) * 1000.0 / elapsed;
    lastCount = count;
    lastMillis = now;
    write(load).onFailure(t -> LOG.warn("edge {}: registry write failed: {}", template.id(), t.toString()));
  }

  private Future<Void> write(double load) {
    Future<Void> f = Future.fromCompletionStage(
        edges.putAsync(template.id(), record(load), 10 * intervalMillis, TimeUnit.MILLISECONDS)).mapEmpty();
    lastWrite = f;
    return f;
  }
}
