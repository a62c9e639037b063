package io.opencdn.dns.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.wire.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class DnsMetricsTest {

  private final DnsMetrics metrics = new DnsMetrics();

  @Test
  void latencyRecordsEverySampleOfABurstInTheHistogram() {
    metrics.latency(2_000_000, 3); // three responses of 2 ms
    metrics.latency(30_000, 1);
    metrics.latency(1_000, 0); // nothing answered: no sample
    String text = metrics.scrape();
    assertThat(text).contains("dns_query_duration_seconds_count 4");
    assertThat(text).contains("dns_query_duration_seconds_sum 0.00603");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"2.5E-5\"} 0");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"5.0E-5\"} 1");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"0.0025\"} 4");
    assertThat(text).contains("# TYPE dns_query_duration_seconds histogram");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"+Inf\"} 4");
  }

  @Test
  void eachThreadCountsItsOwnAndAScrapeSumsThem() throws Exception {
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  metrics.latency(40_000, 2); // two responses of 40 us: the 50 us bucket
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    String text = metrics.scrape();
    assertThat(text).contains("dns_query_duration_seconds_count 80000");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"2.5E-5\"} 0");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"5.0E-5\"} 80000");
    assertThat(text).contains("dns_query_duration_seconds_sum 3.2");
  }

  @Test
  void queriesAreCountedByTypeRcodeAndTransport() {
    metrics.query(Type.A, Rcode.NOERROR, Transport.UDP);
    metrics.query(Type.A, Rcode.NOERROR, Transport.UDP);
    metrics.query(Type.NAPTR, Rcode.NXDOMAIN, Transport.TCP);
    metrics.dropped(Transport.UDP);
    String text = metrics.scrape();
    assertThat(text)
        .contains("dns_queries_total{rcode=\"NOERROR\",transport=\"udp\",type=\"A\"} 2.0");
    assertThat(text)
        .contains("dns_queries_total{rcode=\"NXDOMAIN\",transport=\"tcp\",type=\"OTHER\"} 1.0");
    assertThat(text)
        .contains("dns_queries_total{rcode=\"DROPPED\",transport=\"udp\",type=\"OTHER\"} 1.0");
  }

  @Test
  void udpResponsesDroppedOnAFullSendBufferAreCounted() {
    java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong(3);
    metrics.udpDroppedWrites(dropped::get);
    assertThat(metrics.scrape()).contains("dns_udp_dropped_writes_total 3.0");
    dropped.set(5);
    assertThat(metrics.scrape()).contains("dns_udp_dropped_writes_total 5.0");
  }
}
