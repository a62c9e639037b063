package io.opencdn.dns.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * A decoded, validated query: exactly one question of class IN with opcode QUERY, and what EDNS
 * (RFC 6891) and Client Subnet (RFC 7871) said about the client.
 *
 * @param message the parsed query
 * @param question its only question
 * @param resolver address the query came from
 * @param transport UDP or TCP
 * @param edns whether the query carried an OPT record (then the response carries one too)
 * @param udpLimit largest UDP response the client accepts (512 without EDNS, RFC 1035 4.2.1)
 * @param subnet the Client Subnet option, or null when the query had none
 */
public record Request(
    Message message,
    Record question,
    InetAddress resolver,
    Transport transport,
    boolean edns,
    int udpLimit,
    ClientSubnet subnet) {

  /** Resolver prefixes hashed when there is no Client Subnet option: /24 for IPv4, /56 for IPv6. */
  public static final int RESOLVER_PREFIX_V4 = 24;

  public static final int RESOLVER_PREFIX_V6 = 56;

  public Name name() {
    return question.getName();
  }

  public int type() {
    return question.getType();
  }

  /** True when the query's OPT record has the DO bit (copied into the response, RFC 3225 3). */
  public boolean dnssecOk() {
    return edns && Edns.dnssecOk(message.getOPT());
  }

  /** True when a Client Subnet option with a non-zero source prefix names the client's network. */
  public boolean hasClientSubnet() {
    return subnet != null && subnet.sourcePrefix() > 0;
  }

  /** The address to locate: the Client Subnet when given, else the resolver (RFC 7871 7.1.2). */
  public InetAddress clientAddress() {
    return hasClientSubnet() ? subnet.address() : resolver;
  }

  /** Prefix length of {@link #clientAddress()} that the answer may depend on. */
  public int clientPrefix() {
    if (hasClientSubnet()) {
      return subnet.sourcePrefix();
    }
    return resolver instanceof Inet4Address ? RESOLVER_PREFIX_V4 : RESOLVER_PREFIX_V6;
  }

  /** Stable hash of the client network, used to break ties between equally good edges. */
  public int subnetHash() {
    return subnetHash(clientAddress(), clientPrefix());
  }

  /** {@link #subnetHash()} of a client network. */
  public static int subnetHash(InetAddress address, int prefix) {
    byte[] key = ClientSubnet.key(address, prefix);
    int h = java.util.Arrays.hashCode(key);
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
