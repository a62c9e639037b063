package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * The addresses DNS hands out for this edge (they may differ from the listen address behind NAT or
 * with a wildcard listener).
 *
 * @param ipv4 dotted IPv4 literal, or null
 * @param ipv6 IPv6 literal, or null
 */
public record AdvertiseConfig(
    @JsonProperty("ipv4") String ipv4, @JsonProperty("ipv6") String ipv6) {

  private static final String IPV4 =
      "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

  public AdvertiseConfig {
    ConfigException.require(
        ipv4 == null || isIpv4(ipv4), "ipv4", "an IPv4 address like 192.0.2.1", ipv4);
    ConfigException.require(
        ipv6 == null || isIpv6(ipv6), "ipv6", "an IPv6 address like 2001:db8::1", ipv6);
  }

  /**
   * Where other edges reach this one (peer fetches, live relays): the IPv4 address, else the IPv6
   * address, else {@code listenHost}.
   */
  public String hostOr(String listenHost) {
    return ipv4 != null ? ipv4 : ipv6 != null ? ipv6 : listenHost;
  }

  /** The listen host when it is a specific IP literal; otherwise nothing is advertised. */
  static AdvertiseConfig fromListenHost(String host) {
    if (isIpv4(host) && !host.equals("0.0.0.0")) {
      return new AdvertiseConfig(host, null);
    }
    if (isIpv6(host) && !host.equals("::") && !host.equals("0:0:0:0:0:0:0:0")) {
      return new AdvertiseConfig(null, host);
    }
    return new AdvertiseConfig(null, null);
  }

  static boolean isIpv4(String s) {
    return s.matches(IPV4);
  }

  static boolean isIpv6(String s) {
    if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
