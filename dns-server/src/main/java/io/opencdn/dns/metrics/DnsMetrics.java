package io.opencdn.dns.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opencdn.dns.wire.Transport;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The server's metrics in a Micrometer {@link PrometheusMeterRegistry}, exposed as Prometheus text
 * by {@link #scrape()}:
 *
 * <ul>
 *   <li>{@code dns_queries_total{type,rcode,transport}}: responses sent (type "OTHER" for rare
 *       types, rcode "DROPPED" for messages not answered, "RRL_DROP"/"RRL_SLIP" for rate-limited
 *       ones);
 *   <li>{@code dns_query_duration_seconds} (histogram, buckets 25 us .. 50 ms): per response sent,
 *       the time from reading its query to the response being ready (for a UDP read burst, the
 *       burst's time, as its responses are sent together);
 *   <li>{@code dns_answers_total{edge}}: edges named in geo-routed answers;
 *   <li>{@code dns_rrl_total{action="drop"|"slip"}}: rate-limited UDP responses;
 *   <li>{@code dns_reloads_total{result="ok"|"failed"}}: reload attempts;
 *   <li>{@code dns_udp_dropped_writes_total}: UDP responses dropped while a socket's send buffer
 *       was full ({@link #udpDroppedWrites});
 *   <li>{@code dns_cluster_records_rejected_total{map,reason="forged"|"stale"}}: cluster records
 *       ignored because their tag did not verify (written without the cluster secret) or because
 *       they were stale or replayed ({@link #rejectedRecords});
 *   <li>{@code dns_dnssec_signatures_total{source="made"|"cache"}} (with a {@code dnssec} section):
 *       RRSIGs made and RRSIGs taken from the signature cache ({@link #dnssecSignatures}).
 * </ul>
 *
 * Counters on the query path are cached in arrays, so recording is a few array reads and adds.
 */
public final class DnsMetrics {

  private static final int[] TYPES = {
    Type.A,
    Type.AAAA,
    Type.ANY,
    Type.CNAME,
    Type.MX,
    Type.NS,
    Type.SOA,
    Type.TXT,
    Type.SRV,
    Type.DS,
    Type.PTR,
    Type.HTTPS
  };
  private static final int OTHER = TYPES.length;
  private static final int DROPPED = 24;
  private static final int RRL_DROP = 25;
  private static final int RRL_SLIP = 26;
  private static final int RCODES = 27;

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(
          PrometheusConfig.DEFAULT,
          new io.prometheus.metrics.model.registry.PrometheusRegistry(),
          Clock.SYSTEM);
  private final AtomicReferenceArray<Counter> queries =
      new AtomicReferenceArray<>((TYPES.length + 1) * RCODES * 2);
  private final ConcurrentHashMap<String, Counter> edges = new ConcurrentHashMap<>();
  private final LatencyHistogram latency =
      new LatencyHistogram(
          "dns_query_duration_seconds",
          "time from reading a query (its UDP read burst) to its response being ready",
          micros(25),
          micros(50),
          micros(100),
          micros(250),
          micros(500),
          micros(1000),
          micros(2500),
          micros(5000),
          micros(10_000),
          micros(50_000));
  private final Counter rrlDrop;
  private final Counter rrlSlip;
  private final Counter reloadOk;
  private final Counter reloadFailed;

  public DnsMetrics() {
    registry.getPrometheusRegistry().register(latency);
    rrlDrop =
        Counter.builder("dns.rrl")
            .tag("action", "drop")
            .description("UDP responses dropped by rate limiting")
            .register(registry);
    rrlSlip =
        Counter.builder("dns.rrl")
            .tag("action", "slip")
            .description("UDP responses sent truncated by rate limiting")
            .register(registry);
    reloadOk =
        Counter.builder("dns.reloads")
            .tag("result", "ok")
            .description("zone and config reloads")
            .register(registry);
    reloadFailed =
        Counter.builder("dns.reloads")
            .tag("result", "failed")
            .description("zone and config reloads")
            .register(registry);
  }

  private static long micros(long us) {
    return us * 1000;
  }

  /**
   * One response for a question of {@code type}; {@code qtype} -1 when the message had no usable
   * question.
   */
  public void query(int qtype, int rcode, Transport transport) {
    queryCounter(typeIndex(qtype), Math.min(rcode, 23), transport).increment();
  }

  /**
   * {@code count} responses that each took {@code nanos}, from reading its query (see {@code
   * dns_query_duration_seconds}): one update of the calling thread's own counts ({@link
   * LatencyHistogram}).
   */
  public void latency(long nanos, int count) {
    latency.record(nanos, count);
  }

  /** A message dropped without an answer. */
  public void dropped(Transport transport) {
    queryCounter(OTHER, DROPPED, transport).increment();
  }

  /** A response withheld ({@code slip=false}) or sent truncated by RRL. */
  public void rrl(int qtype, boolean slip) {
    (slip ? rrlSlip : rrlDrop).increment();
    queryCounter(typeIndex(qtype), slip ? RRL_SLIP : RRL_DROP, Transport.UDP).increment();
  }

  /** The edges named in one geo-routed answer. */
  public void answered(List<String> edgeIds) {
    for (String id : edgeIds) {
      answered(id);
    }
  }

  /** One geo-routed answer named the edge {@code edgeId}. */
  public void answered(String edgeId) {
    Counter c = edges.get(edgeId);
    if (c == null) {
      c =
          edges.computeIfAbsent(
              edgeId,
              e ->
                  Counter.builder("dns.answers")
                      .tag("edge", e)
                      .description("edges named in geo-routed answers")
                      .register(registry));
    }
    c.increment();
  }

  /** A reload attempt's outcome. */
  public void reload(boolean ok) {
    (ok ? reloadOk : reloadFailed).increment();
  }

  /**
   * Counts what {@code check} ignores in the cluster map {@code map} ({@code
   * dns_cluster_records_rejected_total}).
   */
  public void rejectedRecords(String map, io.opencdn.common.cluster.RecordCheck check) {
    FunctionCounter.builder("dns.cluster.records.rejected", check, c -> c.forgedCount())
        .tag("map", map)
        .tag("reason", "forged")
        .description("cluster records ignored: tag not verified or stale")
        .register(registry);
    FunctionCounter.builder("dns.cluster.records.rejected", check, c -> c.staleCount())
        .tag("map", map)
        .tag("reason", "stale")
        .description("cluster records ignored: tag not verified or stale")
        .register(registry);
  }

  /**
   * Counts UDP responses dropped because a socket's send buffer was full ({@code
   * dns_udp_dropped_writes_total}), as {@code droppedWrites} reports them.
   */
  public void udpDroppedWrites(LongSupplier droppedWrites) {
    FunctionCounter.builder("dns.udp.dropped.writes", droppedWrites, LongSupplier::getAsLong)
        .description(
            "UDP responses dropped because the socket's send buffer was full (the client retries)")
        .register(registry);
  }

  /**
   * Reads the DNSSEC signature counts of {@code signatures} ({@code
   * dns_dnssec_signatures_total{source="made"|"cache"}}): RRSIGs made (signature cache misses) and
   * RRSIGs taken from the signature cache. The registry holds {@code signatures} weakly: its owner
   * (the signer) keeps it alive.
   */
  public <T> void dnssecSignatures(
      T signatures, ToDoubleFunction<T> made, ToDoubleFunction<T> fromCache) {
    FunctionCounter.builder("dns.dnssec.signatures", signatures, made)
        .tag("source", "made")
        .description("RRSIGs made (source=made) or taken from the signature cache (source=cache)")
        .register(registry);
    FunctionCounter.builder("dns.dnssec.signatures", signatures, fromCache)
        .tag("source", "cache")
        .description("RRSIGs made (source=made) or taken from the signature cache (source=cache)")
        .register(registry);
  }

  /** The Prometheus text exposition (format 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  /** The registry, for callers that add their own meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  private static int typeIndex(int qtype) {
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i] == qtype) {
        return i;
      }
    }
    return OTHER;
  }

  private Counter queryCounter(int type, int rcode, Transport transport) {
    int slot = (type * RCODES + rcode) * 2 + transport.ordinal();
    Counter c = queries.get(slot);
    if (c == null) {
      String rcodeName =
          switch (rcode) {
            case DROPPED -> "DROPPED";
            case RRL_DROP -> "RRL_DROP";
            case RRL_SLIP -> "RRL_SLIP";
            default -> Rcode.string(rcode);
          };
      c =
          Counter.builder("dns.queries")
              .description("DNS messages by question type, response code and transport")
              .tag("type", type == OTHER ? "OTHER" : Type.string(TYPES[type]))
              .tag("rcode", rcodeName)
              .tag("transport", transport.name().toLowerCase(java.util.Locale.ROOT))
              .register(registry);
      queries.set(slot, c);
    }
    return c;
  }
}
