package io.opencdn.dns.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.LatencyTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency measurements of the edges, read from the Hazelcast map {@value #MAP} every
 * {@code refreshMillis} on a worker thread and published as an immutable {@link LatencyTable}.
 *
 * <p>Map contract (written by edges, read here): key {@code "<client prefix>|<edge id>"} where the
 * prefix is the client's /24 (IPv4) or /48 (IPv6) network as {@code 81.2.69.0/24}; value a JSON
 * string (or {@code HazelcastJsonValue}) {@code {"rttMillis": 23.5, "atMillis": 1700000000000}}:
 * the smoothed RTT (e.g. EWMA, alpha 0.2) and the wall-clock time of the last update. Entries
 * that do not parse are skipped; edges should set a map TTL so dead prefixes disappear.
 */
public final class HazelcastLatency implements LatencySource {

  /** Name of the Hazelcast map. */
  public static final String MAP = "latency";

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLatency.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;
  private final long refreshMillis;
  private final AtomicReference<LatencyTable> table = new AtomicReference<>(LatencyTable.EMPTY);
  private long timer = -1;

  public HazelcastLatency(Vertx vertx, HazelcastInstance hz, long refreshMillis) {
    this(vertx, Future.succeededFuture(hz), refreshMillis);
  }

  /** The measurements of a member that may still be joining: none until {@code member} completes. */
  public HazelcastLatency(Vertx vertx, Future<HazelcastInstance> member, long refreshMillis) {
    this.vertx = vertx;
    this.member = member;
    this.refreshMillis = refreshMillis;
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

  /** Reads the map now (nothing to read before the member has joined). */
  public Future<Void> refresh() {
    if (!member.succeeded()) {
      return Future.succeededFuture();
    }
    HazelcastInstance hz = member.result();
    return vertx.executeBlocking(() -> {
      Map<String, LatencyTable.Sample> out = new HashMap<>();
      hz.<String, Object>getMap(MAP).forEach((k, v) -> {
        LatencyTable.Sample s = parse(v);
        if (s != null && k.indexOf('|') > 0) {
          out.put(k, s);
        }
      });
      table.set(new LatencyTable(out));
      return (Void) null;
    }, false).recover(e -> {
      LOG.warn("cannot read the latency map: {}", e.toString());
      return Future.succeededFuture();
    });
  }

  /** One map value as a sample, or null when it is not {@code {"rttMillis": n, "atMillis": n}}. */
  public static LatencyTable.Sample parse(Object value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(value.toString());
      JsonNode rtt = n.get("rttMillis");
      JsonNode at = n.get("atMillis");
      if (rtt == null || at == null || !rtt.isNumber() || !at.isNumber() || rtt.asDouble() < 0) {
        return null;
      }
      return new LatencyTable.Sample(rtt.asDouble(), at.asLong());
    } catch (Exception e) {
      return null;
    }
  }
}
