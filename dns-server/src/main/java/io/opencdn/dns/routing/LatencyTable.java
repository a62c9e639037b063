package io.opencdn.dns.routing;

import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.geo.Cidr;
import java.net.InetAddress;
import java.util.Map;

/**
 * An immutable snapshot of the smoothed round-trip times edges measured to client networks, keyed
 * like the cluster map {@code latency} by {@link LatencyKey} (client prefix, edge id), e.g. ({@code
 * 81.2.69.0/24}, {@code eu-west}). Client prefixes are {@link #PREFIX_V4} bits for IPv4 and {@link
 * #PREFIX_V6} for IPv6 ({@link #clientPrefix}).
 *
 * @param samples key to measurement
 */
public record LatencyTable(Map<LatencyKey, Sample> samples) {

  /** Aggregation of IPv4 clients: /24. */
  public static final int PREFIX_V4 = 24;

  /** Aggregation of IPv6 clients: /48. */
  public static final int PREFIX_V6 = 48;

  /** No measurements. */
  public static final LatencyTable EMPTY = new LatencyTable(Map.of());

  /**
   * One smoothed measurement.
   *
   * @param rttMillis smoothed round-trip time in milliseconds
   * @param measuredAtMillis wall-clock time of the last update (epoch millis)
   */
  public record Sample(double rttMillis, long measuredAtMillis) {}

  public LatencyTable {
    samples = Map.copyOf(samples);
  }

  /** The key prefix of a client address: {@code 81.2.69.0/24}, {@code 2001:db8:1::/48}. */
  public static String clientPrefix(InetAddress address) {
    return Cidr.of(address, address.getAddress().length == 4 ? PREFIX_V4 : PREFIX_V6).toString();
  }

  /**
   * The RTT to {@code edgeId} from {@code prefix} when measured at most {@code maxAgeMillis} before
   * {@code now}; NaN otherwise.
   */
  public double fresh(String prefix, String edgeId, long now, long maxAgeMillis) {
    if (prefix == null || samples.isEmpty()) {
      return Double.NaN;
    }
    Sample s = samples.get(new LatencyKey(prefix, edgeId));
    return s != null
            && now - s.measuredAtMillis() <= maxAgeMillis
            && s.measuredAtMillis() <= now + 60_000
        ? s.rttMillis()
        : Double.NaN;
  }
}
