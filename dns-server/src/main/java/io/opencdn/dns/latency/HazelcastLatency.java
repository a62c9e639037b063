package io.opencdn.dns.latency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.NoDataMemberInClusterException;
import io.opencdn.common.cluster.LatencyRecords;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
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
 * string (or {@code HazelcastJsonValue}) {@code {"rttMillis": 23.5, "atMillis": 1700000000000,
 * "tag": "<hex>"}}: the smoothed RTT (e.g. EWMA, alpha 0.2), the wall-clock time of the last update
 * and the {@link RecordMac} tag of {@link LatencyRecords#sample} (key, RTT and time, so a sample cannot be moved
 * to another prefix or edge). Entries that do not parse are skipped; entries whose tag does not
 * verify, or measured more than {@link #MAX_AGE_MILLIS} ago or in the future, are skipped and
 * counted ({@link #check}). Edges should set a map TTL so dead prefixes disappear.
 */
public final class HazelcastLatency implements LatencySource {

  /** Name of the Hazelcast map. */
  public static final String MAP = LatencyRecords.SAMPLES;

  /** Samples older than this are ignored as stale (the latency policy's own limit is at most this). */
  public static final long MAX_AGE_MILLIS = 86_400_000L;
  /** Samples dated further ahead than this are ignored as stale. */
  public static final long MAX_AHEAD_MILLIS = 60_000L;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLatency.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;
  private final long refreshMillis;
  private final RecordCheck check;
  private final java.time.Clock clock;
  private final AtomicReference<LatencyTable> table = new AtomicReference<>(LatencyTable.EMPTY);
  private long timer = -1;

  /** @param check verifies each sample and counts those ignored */
  public HazelcastLatency(Vertx vertx, HazelcastInstance hz, long refreshMillis, RecordCheck check, java.time.Clock clock) {
    this(vertx, Future.succeededFuture(hz), refreshMillis, check, clock);
  }

  /**
   * The measurements of a member that may still be joining: none until {@code member} completes.
   *
   * @param check verifies each sample and counts those ignored
   */
  public HazelcastLatency(Vertx vertx, Future<HazelcastInstance> member, long refreshMillis, RecordCheck check,
      java.time.Clock clock) {
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
    return vertx.executeBlocking(() -> {
      Map<String, LatencyTable.Sample> out = new HashMap<>();
      long now = clock.millis();
      try {
        hz.<Object, Object>getMap(MAP).forEach((k, v) -> {
          // what a member without the secret wrote may be of any type
          LatencyTable.Sample s = k instanceof String key ? sample(key, v, check, now) : null;
          if (s != null) {
            out.put((String) k, s);
          } else if (!(k instanceof String)) {
            check.forged();
          }
        });
      } catch (NoDataMemberInClusterException noEdgeUp) {
        // only lite members: nothing measured
      }
      table.set(new LatencyTable(out));
      return (Void) null;
    }, false).recover(e -> {
      LOG.warn("cannot read the latency map: {}", e.toString());
      return Future.succeededFuture();
    });
  }

  /**
   * The sample of one map entry when it parses, its tag verifies and it is neither older than
   * {@link #MAX_AGE_MILLIS} nor ahead of {@code now}; null otherwise (counted by {@code check}
   * unless it did not parse).
   */
  public static LatencyTable.Sample sample(String key, Object value, RecordCheck check, long now) {
    if (key == null || key.indexOf('|') <= 0) {
      return null;
    }
    Tagged t = parseTagged(value);
    if (t == null) {
      return null;
    }
    boolean fresh = now - t.sample().measuredAtMillis() <= MAX_AGE_MILLIS && t.sample().measuredAtMillis() <= now + MAX_AHEAD_MILLIS;
    return check.accept(check.mac().verify(t.tag(), LatencyRecords.sample(key, t.sample().rttMillis(), t.sample().measuredAtMillis())), fresh)
        ? t.sample() : null;
  }

  private record Tagged(LatencyTable.Sample sample, byte[] tag) {}

  private static Tagged parseTagged(Object value) {
    if (value == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(value.toString());
      LatencyTable.Sample s = sample(n);
      if (s == null) {
        return null;
      }
      JsonNode tag = n.get("tag");
      return new Tagged(s, tag == null ? null : RecordMac.parseHex(tag.asText()));
    } catch (Exception e) {
      return null;
    }
  }

  /** One map value as a sample, or null when it is not {@code {"rttMillis": n, "atMillis": n}} (tag not checked). */
  public static LatencyTable.Sample parse(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return sample(JSON.readTree(value.toString()));
    } catch (Exception e) {
      return null;
    }
  }

  private static LatencyTable.Sample sample(JsonNode n) {
    JsonNode rtt = n.get("rttMillis");
    JsonNode at = n.get("atMillis");
    if (rtt == null || at == null || !rtt.isNumber() || !at.isNumber() || rtt.asDouble() < 0) {
      return null;
    }
    return new LatencyTable.Sample(rtt.asDouble(), at.asLong());
  }
}
