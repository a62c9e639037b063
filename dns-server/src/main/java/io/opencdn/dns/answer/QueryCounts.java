package io.opencdn.dns.answer;

import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.wire.Transport;
import java.util.concurrent.atomic.LongAdder;

/**
 * The query handler's own counters (messages received, dropped, responses by rcode) next to the
 * {@link DnsMetrics} it records into: each response and each drop is counted in both.
 */
final class QueryCounts {
  private final DnsMetrics metrics;
  private final LongAdder queries = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder[] byRcode = new LongAdder[24];

  QueryCounts(DnsMetrics metrics) {
    this.metrics = metrics;
    for (int i = 0; i < byRcode.length; i++) {
      byRcode[i] = new LongAdder();
    }
  }

  void received() {
    queries.increment();
  }

  /** A message dropped without an answer, and the transport's drop metric. */
  void dropped(Transport transport) {
    dropped.increment();
    metrics.dropped(transport);
  }

  /** A message dropped by the rate limiter (its own metric is counted by the caller). */
  void droppedByRateLimit() {
    dropped.increment();
  }

  /** A response sent with {@code rcode} to a query of {@code qtype}. */
  void response(int rcode, int qtype, Transport transport) {
    byRcode[Math.min(rcode, byRcode.length - 1)].increment();
    metrics.query(qtype, rcode, transport);
  }

  long queries() {
    return queries.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  long responses(int rcode) {
    return byRcode[Math.min(rcode, byRcode.length - 1)].sum();
  }
}
