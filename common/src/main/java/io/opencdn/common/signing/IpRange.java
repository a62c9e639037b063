package io.opencdn.common.signing;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range of a custom policy's {@code IpAddress} condition ({@code AWS:SourceIp}): IPv4 or
 * IPv6 in CIDR notation ({@code 192.0.2.0/24}); a bare address is the one address.
 *
 * @param network the network's address bytes (host bits cleared)
 * @param prefix the prefix length
 */
public record IpRange(byte[] network, int prefix) {

  /**
   * Parses {@code cidr}.
   *
   * @throws IllegalArgumentException when it is not an IPv4 or IPv6 address with an optional {@code
   *     /prefix}
   */
  public static IpRange parse(String cidr) {
    int slash = cidr.indexOf('/');
    String addr = slash < 0 ? cidr : cidr.substring(0, slash);
    if (addr.isEmpty() || !addr.matches("[0-9A-Fa-f.:]+")) {
      throw new IllegalArgumentException("not an IP address range: '" + cidr + "'");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(addr).getAddress(); // literal only: no name resolution
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address range: '" + cidr + "'");
    }
    int prefix = bytes.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(cidr.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bytes.length * 8) {
        throw new IllegalArgumentException("not an IP address range: '" + cidr + "'");
      }
    }
    for (int i = 0; i < bytes.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      bytes[i] &= (byte) (0xff << (8 - keep));
    }
    return new IpRange(bytes, prefix);
  }

  /** True when {@code address} is in the range (an IPv4 range never holds an IPv6 address). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      if (((a[i] ^ network[i]) & (0xff << (8 - keep)) & 0xff) != 0) {
        return false;
      }
    }
    return true;
  }
}
