package io.opencdn.edge.http;

import java.util.concurrent.atomic.LongAdder;

/** Request counters of one edge, updated lock-free by the HTTP stage. */
public final class EdgeMetrics {

  final LongAdder requests = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder passes = new LongAdder();
  final LongAdder collapsed = new LongAdder();
  final LongAdder originRequests = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder misdirected = new LongAdder();

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
