package io.opencdn.dns.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.net.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class DnsMetricsTest {

  private final DnsMetrics metrics = new DnsMetrics();

  @Test
  void latencyRecordsEverySampleOfABurstInTheHistogram() {
    metrics.latency(2_000_000, 3, System.nanoTime()); // three responses of 2 ms
    metrics.latency(30_000, 1, System.nanoTime());
    metrics.latency(1_000, 0, System.nanoTime()); // nothing answered: no sample
    String text = metrics.scrape();
    assertThat(text).contains("dns_query_duration_seconds_count 4");
    assertThat(text).contains("dns_query_duration_seconds_sum 0.00603");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"2.5E-5\"} 0");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"5.0E-5\"} 1");
    assertThat(text).contains("dns_query_duration_seconds_bucket{le=\"0.0025\"} 4");
    assertThat(text).contains("dns_query_duration_seconds_max 0.002");
  }

  @Test
  void theRegistryClockFollowsTheQueryPathsReadingsAndTheWallClock() {
    io.micrometer.core.instrument.Clock clock = metrics.registry().config().clock();
    long later = System.nanoTime() + 5_000_000_000L;
    metrics.latency(1_000, 1, later);
    assertThat(clock.monotonicTime()).isEqualTo(later);
    assertThat(clock.wallTime()).isBetween(System.currentTimeMillis() + 4_000, System.currentTimeMillis() + 6_000);
    metrics.scrape(); // reads the system clock
    assertThat(clock.wallTime()).isBetween(System.currentTimeMillis() - 1_000, System.currentTimeMillis() + 1_000);
  }

  @Test
  void queriesAreCountedByTypeRcodeAndTransport() {
    metrics.query(Type.A, Rcode.NOERROR, Transport.UDP);
    metrics.query(Type.A, Rcode.NOERROR, Transport.UDP);
    metrics.query(Type.NAPTR, Rcode.NXDOMAIN, Transport.TCP);
    metrics.dropped(Transport.UDP);
    String text = metrics.scrape();
    assertThat(text).contains("dns_queries_total{rcode=\"NOERROR\",transport=\"udp\",type=\"A\"} 2.0");
    assertThat(text).contains("dns_queries_total{rcode=\"NXDOMAIN\",transport=\"tcp\",type=\"OTHER\"} 1.0");
    assertThat(text).contains("dns_queries_total{rcode=\"DROPPED\",transport=\"udp\",type=\"OTHER\"} 1.0");
  }
}
