package io.opencdn.dns.latency;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Whether an address is one the edges may probe: not in a private, loopback, link-local, shared,
 * documentation, benchmarking, multicast or otherwise reserved range of the IANA special-purpose
 * address registries (RFC 6890 and its updates). A client subnet (ECS) is chosen by whoever sends
 * the query, so without this check anyone could make every edge send probes into its own private
 * network or towards addresses that mean something else on the edges' side.
 */
public final class PublicAddresses {

  /** Networks that are not probe targets. */
  private static final List<Net> RESERVED =
      List.of(
          net("0.0.0.0/8"),
          net("10.0.0.0/8"),
          net("100.64.0.0/10"),
          net("127.0.0.0/8"),
          net("169.254.0.0/16"),
          net("172.16.0.0/12"),
          net("192.0.0.0/24"),
          net("192.0.2.0/24"),
          net("192.88.99.0/24"),
          net("192.168.0.0/16"),
          net("198.18.0.0/15"),
          net("198.51.100.0/24"),
          net("203.0.113.0/24"),
          net("224.0.0.0/4"),
          net("240.0.0.0/4"),
          net("::/96"),
          net("::ffff:0:0/96"),
          net("64:ff9b:1::/48"),
          net("100::/64"),
          net("2001::/23"),
          net("2001:db8::/32"),
          net("3fff::/20"),
          net("5f00::/16"),
          net("fc00::/7"),
          net("fe80::/10"),
          net("fec0::/10"),
          net("ff00::/8"));

  private record Net(byte[] address, int prefix) {
    boolean contains(byte[] a) {
      if (a.length != address.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (a[i] != address[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (a[full] & mask) == (address[full] & mask);
    }
  }

  private PublicAddresses() {}

  private static Net net(String cidr) {
    int slash = cidr.indexOf('/');
    try {
      return new Net(
          InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
          Integer.parseInt(cidr.substring(slash + 1)));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr, e);
    }
  }

  /**
   * True when {@code a} lies in no special-purpose range (an IPv4-mapped IPv6 address is judged by
   * its IPv4 part).
   */
  public static boolean isPublic(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length == 16 && isV4Mapped(b)) {
      b = java.util.Arrays.copyOfRange(b, 12, 16);
    }
    for (Net n : RESERVED) {
      if (n.contains(b)) {
        return false;
      }
    }
    return !(a instanceof Inet4Address) || b.length == 4;
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
  }
}
