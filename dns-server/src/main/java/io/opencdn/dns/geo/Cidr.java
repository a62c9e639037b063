package io.opencdn.dns.geo;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 network: address bytes with the host bits cleared, and a prefix length.
 *
 * @param bytes network address, 4 or 16 bytes, host bits zero
 * @param prefix prefix length, 0..32 or 0..128
 */
public record Cidr(byte[] bytes, int prefix) {

  public Cidr {
    bytes = mask(bytes.clone(), prefix);
  }

  /** Parses {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a host network. */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    if (!host.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not a network: '" + text + "'");
    }
    byte[] b;
    try {
      b = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a network: '" + text + "'");
    }
    int max = b.length * 8;
    int p;
    try {
      p = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a network: '" + text + "'");
    }
    if (p < 0 || p > max) {
      throw new IllegalArgumentException("prefix of '" + text + "' is not in 0.." + max);
    }
    return new Cidr(b, p);
  }

  /** The network of {@code address} with {@code prefix} bits (clamped to the address length). */
  public static Cidr of(InetAddress address, int prefix) {
    byte[] b = address.getAddress();
    return new Cidr(b, Math.max(0, Math.min(prefix, b.length * 8)));
  }

  /** True when {@code address} (of the same family) lies in this network. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    return a.length == bytes.length && java.util.Arrays.equals(mask(a, prefix), bytes);
  }

  static byte[] mask(byte[] b, int prefix) {
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && java.util.Arrays.equals(c.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(bytes) * 31 + prefix;
  }

  @Override
  public String toString() {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff)
          + "/"
          + prefix;
    }
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(g[i]));
    }
    return out + "/" + prefix;
  }
}
