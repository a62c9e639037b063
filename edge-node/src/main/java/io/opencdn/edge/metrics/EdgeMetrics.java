package io.opencdn.edge.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request counters of one edge, updated lock-free by the HTTP stage, and their Prometheus view
 * ({@link #registry()}, served on {@code GET /_cdn/metrics}): {@code cdn_requests_total}, {@code
 * cdn_cache_hits_total}, {@code cdn_cache_misses_total}, {@code cdn_cache_refresh_hits_total},
 * {@code cdn_cache_stale_served_total}, {@code cdn_passes_total}, {@code
 * cdn_origin_requests_total}, {@code cdn_errors_total}, {@code cdn_compressed_fills_total}, {@code
 * cdn_compressions_abandoned_total}, {@code cdn_compress_input_bytes_total}, {@code
 * cdn_compress_queue_peak_bytes}, {@code cdn_compress_streams_open}, {@code
 * cdn_response_bytes_total}, {@code cdn_origin_latency_seconds} (histogram) and, bound by {@code
 * EdgeNode}, the cache tier's entries, bytes and evictions.
 */
public final class EdgeMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer originLatency;
  public final LongAdder refreshHits = new LongAdder();
  public final LongAdder staleServed = new LongAdder();
  public final LongAdder backgroundRefreshes = new LongAdder();
  public final LongAdder responseBytes = new LongAdder();

  public final LongAdder requests = new LongAdder();
  public final LongAdder hits = new LongAdder();
  public final LongAdder misses = new LongAdder();
  public final LongAdder passes = new LongAdder();
  public final LongAdder collapsed = new LongAdder();
  public final LongAdder originRequests = new LongAdder();
  public final LongAdder errors = new LongAdder();
  public final LongAdder misdirected = new LongAdder();
  public final LongAdder compressedFills = new LongAdder();

  /** Streamed compressions given up (encoder behind, body too long, broken); identity kept. */
  public final LongAdder compressionsAbandoned = new LongAdder();

  /** Most input bytes ever queued for one streamed compression (bounded by its high water). */
  public final AtomicLong compressQueuePeakBytes = new AtomicLong();

  /** Body bytes encoded by streamed compressions (counted as each chunk is encoded). */
  public final LongAdder compressInputBytes = new LongAdder();

  /** Streamed compressions whose encoders are not freed yet. */
  public final AtomicLong compressStreamsOpen = new AtomicLong();

  public EdgeMetrics() {
    counter("cdn_requests", "client requests for a distribution", requests);
    counter("cdn_cache_hits", "requests answered from the cache (fresh or stale)", hits);
    counter("cdn_cache_misses", "cacheable requests that went to a filler", misses);
    counter("cdn_cache_refresh_hits", "stored responses revalidated with a 304", refreshHits);
    counter(
        "cdn_cache_stale_served",
        "stale responses served (stale-while-revalidate, stale-if-error)",
        staleServed);
    counter("cdn_passes", "requests relayed without storing", passes);
    counter("cdn_collapsed", "misses that waited for another fill", collapsed);
    counter("cdn_origin_requests", "requests sent to fillers", originRequests);
    counter("cdn_errors", "502/504 answers", errors);
    counter(
        "cdn_compressed_fills",
        "fills compressed once and stored as identity, gzip and br variants",
        compressedFills);
    counter(
        "cdn_compressions_abandoned",
        "streamed compressions given up (the identity body is still served and stored)",
        compressionsAbandoned);
    counter(
        "cdn_compress_input_bytes",
        "body bytes encoded by streamed compressions, as each chunk is encoded",
        compressInputBytes);
    Gauge.builder("cdn_compress_queue_peak_bytes", compressQueuePeakBytes, AtomicLong::get)
        .description("most input bytes queued for one streamed compression")
        .register(registry);
    Gauge.builder("cdn_compress_streams_open", compressStreamsOpen, AtomicLong::get)
        .description("streamed compressions in progress")
        .register(registry);
    counter("cdn_misdirected", "421 answers", misdirected);
    counter("cdn_response_bytes", "response body bytes written to clients", responseBytes);
    originLatency =
        Timer.builder("cdn_origin_latency")
            .description("time to the origin's response headers")
            .publishPercentileHistogram()
            .register(registry);
  }

  private void counter(String name, String help, LongAdder adder) {
    FunctionCounter.builder(name, adder, LongAdder::sum).description(help).register(registry);
  }

  /** The Prometheus registry (other stages may bind their own meters to it). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Records {@code bytes} queued for one streamed compression (keeps the peak). */
  public void compressQueued(long bytes) {
    compressQueuePeakBytes.accumulateAndGet(bytes, Math::max);
  }

  /** Records the time an origin (filler) took to answer with headers, or to fail. */
  public void originLatency(long nanos) {
    originLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts body bytes sent to a client. */
  public void responseBytes(long bytes) {
    responseBytes.add(bytes);
  }

  /** Stored responses revalidated with a 304 (X-Cache: RefreshHit). */
  public long refreshHits() {
    return refreshHits.sum();
  }

  /** Stale responses served under stale-while-revalidate or stale-if-error. */
  public long staleServed() {
    return staleServed.sum();
  }

  /** Background refreshes started by stale-while-revalidate. */
  public long backgroundRefreshes() {
    return backgroundRefreshes.sum();
  }

  /** Client requests for a distribution (admin requests are not counted). */
  public long requests() {
    return requests.sum();
  }

  /** Requests answered from the cache. */
  public long hits() {
    return hits.sum();
  }

  /** Cacheable requests that found no fresh entry. */
  public long misses() {
    return misses.sum();
  }

  /** Requests relayed without storing (uncacheable method or response, or too large). */
  public long passes() {
    return passes.sum();
  }

  /** Misses that waited for another request's fill instead of asking the origin. */
  public long collapsed() {
    return collapsed.sum();
  }

  /** Requests sent to origins. */
  public long originRequests() {
    return originRequests.sum();
  }

  /** Requests answered with 502 or 504. */
  public long errors() {
    return errors.sum();
  }

  /** Requests refused with 421 because no distribution matched their Host. */
  public long misdirected() {
    return misdirected.sum();
  }
}
