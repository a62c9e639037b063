package io.opencdn.dns.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The query latency histogram, counted per thread and summed when scraped: a Prometheus {@link
 * Collector} giving a classic histogram (cumulative buckets, count, sum).
 *
 * <p>Why not a Micrometer {@code Timer}: every sample of one went through shared atomics (a bucket
 * in each of three rotating histograms, the windowed maximum, the clock), and with two UDP threads
 * answering at once those cache lines moved between the cores for every response. In-process, two
 * threads answering the {@code bench/dns.sh} mix took about 90 ns more per query with the timer
 * than without it. Here a thread only writes its own cell (one bucket and the sum, once for a whole
 * burst of responses with the same latency), and a scrape adds up every cell.
 */
final class LatencyHistogram implements Collector {

  /** Upper bounds in nanoseconds (the last bucket, +Inf, is implicit). */
  private final long[] bounds;

  private final double[] upperBoundsSeconds;
  private final String name;
  private final String help;
  private final CopyOnWriteArrayList<Cell> cells = new CopyOnWriteArrayList<>();
  private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::newCell);

  /**
   * One thread's counts: {@code bounds.length + 1} buckets, then the sum in nanoseconds (the count
   * is the buckets' total). Written by its thread alone (ordered stores, no read-modify-write by
   * others), read by scrapes.
   */
  private static final class Cell {
    final AtomicLongArray values;

    Cell(int buckets) {
      values = new AtomicLongArray(buckets + 1);
    }
  }

  /**
   * @param name the metric name ({@code dns_query_duration_seconds})
   * @param boundsNanos bucket upper bounds, increasing
   */
  LatencyHistogram(String name, String help, long... boundsNanos) {
    this.name = name;
    this.help = help;
    this.bounds = boundsNanos.clone();
    this.upperBoundsSeconds = new double[bounds.length + 1];
    for (int i = 0; i < bounds.length; i++) {
      upperBoundsSeconds[i] = bounds[i] / 1e9;
    }
    upperBoundsSeconds[bounds.length] = Double.POSITIVE_INFINITY;
  }

  private Cell newCell() {
    Cell c = new Cell(bounds.length + 1);
    cells.add(c);
    return c;
  }

  /** {@code count} responses that each took {@code nanos}. */
  void record(long nanos, int count) {
    if (count <= 0) {
      return;
    }
    int bucket = 0;
    while (bucket < bounds.length && nanos > bounds[bucket]) {
      bucket++;
    }
    AtomicLongArray v = local.get().values;
    int sum = bounds.length + 1;
    // only this thread writes its cell: a plain read and an ordered store, no atomic update
    v.lazySet(sum, v.get(sum) + nanos * count);
    v.lazySet(bucket, v.get(bucket) + count);
  }

  @Override
  public String getPrometheusName() {
    return name;
  }

  @Override
  public MetricSnapshot collect() {
    long[] buckets = new long[bounds.length + 1];
    long sumNanos = 0;
    for (Cell c : cells) {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] += c.values.get(i);
      }
      sumNanos += c.values.get(buckets.length);
    }
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(
            HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBoundsSeconds, buckets))
                .sum(sumNanos / 1e9)
                .build())
        .build();
  }
}
