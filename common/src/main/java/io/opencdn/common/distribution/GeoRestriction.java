package io.opencdn.common.distribution;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * A distribution's geographic restriction (CloudFront's {@code GeoRestriction}): an allow list or a
 * block list of ISO 3166-1 alpha-2 countries. The client is the peer address, or the last address
 * of {@code X-Forwarded-For} that is not itself a trusted proxy when the peer is in {@code
 * trustForwardedFrom} (a proxy in front of the edge). A client without a country (loopback, private
 * networks, an address missing from the database) is refused by an allow list and let through by a
 * block list.
 *
 * @param allow true: only {@code countries} are served; false: {@code countries} are refused
 * @param countries upper-case ISO country codes
 * @param trustForwardedFrom networks whose {@code X-Forwarded-For} is believed
 */
public record GeoRestriction(boolean allow, Set<String> countries, List<Cidr> trustForwardedFrom) {

  public GeoRestriction {
    countries = Set.copyOf(countries);
    trustForwardedFrom = List.copyOf(trustForwardedFrom);
  }

  /** Whether a client in {@code country} (null: unknown) is served. */
  public boolean admits(String country) {
    if (country == null) {
      return !allow;
    }
    return allow == countries.contains(country);
  }

  /** Whether {@code a} is in one of the trusted proxy networks. */
  public boolean trusts(InetAddress a) {
    for (Cidr c : trustForwardedFrom) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client address of a request from {@code peer} with these {@code X-Forwarded-For} values
   * (null: none): the peer unless it is trusted, else the right-most forwarded address that is not
   * trusted itself (the left-most when all are), skipping what does not parse as an address.
   */
  public InetAddress client(InetAddress peer, List<String> forwardedFor) {
    if (peer == null || forwardedFor == null || forwardedFor.isEmpty() || !trusts(peer)) {
      return peer;
    }
    InetAddress client = peer;
    for (int i = forwardedFor.size() - 1; i >= 0; i--) {
      String[] parts = forwardedFor.get(i).split(",");
      for (int j = parts.length - 1; j >= 0; j--) {
        InetAddress a = Cidr.literal(parts[j].trim());
        if (a == null) {
          return client;
        }
        client = a;
        if (!trusts(a)) {
          return a;
        }
      }
    }
    return client;
  }

  /** One line for {@code explain-request}. */
  public String describe() {
    return (allow ? "allow only " : "block ")
        + new java.util.TreeSet<>(countries)
        + " (clients without a country: "
        + (allow ? "refused" : "served")
        + ")"
        + (trustForwardedFrom.isEmpty()
            ? "; X-Forwarded-For never trusted"
            : "; X-Forwarded-For trusted from " + trustForwardedFrom);
  }

  /**
   * An IPv4 or IPv6 network.
   *
   * @param network the network's bytes (host bits zero)
   * @param prefix the prefix length
   */
  public record Cidr(byte[] network, int prefix) {

    /** Parses {@code a.b.c.d/n} or {@code v6/n} (no host names); null when it does not. */
    public static Cidr parse(String text) {
      int slash = text.indexOf('/');
      InetAddress a = literal(slash < 0 ? text : text.substring(0, slash));
      if (a == null) {
        return null;
      }
      byte[] b = a.getAddress();
      int p;
      try {
        p = slash < 0 ? b.length * 8 : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        return null;
      }
      if (p < 0 || p > b.length * 8) {
        return null;
      }
      for (int i = 0; i < b.length; i++) {
        int keep = Math.max(0, Math.min(8, p - i * 8));
        b[i] &= (byte) (0xff << (8 - keep));
      }
      return new Cidr(b, p);
    }

    /** An IP address literal (never a DNS lookup), or null. */
    public static InetAddress literal(String s) {
      if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")
          && !(s.contains(":") && s.matches("[0-9A-Fa-f.:]+"))) {
        return null;
      }
      try {
        return InetAddress.getByName(s);
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }

    /** Whether {@code a} lies in this network (of the same family). */
    public boolean contains(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length != network.length) {
        return false;
      }
      for (int i = 0; i < b.length; i++) {
        int keep = Math.max(0, Math.min(8, prefix - i * 8));
        int mask = (0xff << (8 - keep)) & 0xff;
        if ((b[i] & mask) != (network[i] & 0xff)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      try {
        return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
      } catch (java.net.UnknownHostException e) {
        return "?/" + prefix;
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cidr c
          && c.prefix == prefix
          && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(network) * 31 + prefix;
    }
  }
}
