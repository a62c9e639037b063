package io.opencdn.dns.wire;

import java.net.InetAddress;
import org.xbill.DNS.Address;
import org.xbill.DNS.ClientSubnetOption;

/**
 * The EDNS Client Subnet a resolver sent on behalf of its client (RFC 7871). dnsjava already
 * rejects, as a parse error, unknown families, prefixes longer than the family allows and address
 * bits set beyond the source prefix (RFC 7871 6), so a decoded option is valid.
 *
 * @param family 1 (IPv4) or 2 (IPv6), RFC 7871 6
 * @param sourcePrefix SOURCE PREFIX-LENGTH; 0 means the resolver withholds its client's address
 * @param address the client's network, zero beyond the prefix
 */
public record ClientSubnet(int family, int sourcePrefix, InetAddress address) {

  /** From a decoded option. */
  public static ClientSubnet of(ClientSubnetOption option) {
    return new ClientSubnet(
        option.getFamily(), option.getSourcePrefixLength(), option.getAddress());
  }

  /** Longest prefix of the family: 32 or 128. */
  public int maxPrefix() {
    return family == Address.IPv4 ? 32 : 128;
  }

  /**
   * The option to echo in the response (RFC 7871 7.2.1): family, source prefix and address as
   * received, with SCOPE PREFIX-LENGTH set to {@code scope} (0 when the source prefix is 0).
   */
  public ClientSubnetOption echo(int scope) {
    int s = sourcePrefix == 0 ? 0 : Math.max(0, Math.min(scope, maxPrefix()));
    return new ClientSubnetOption(sourcePrefix, s, address);
  }

  /** The address bits within the prefix, plus the prefix, as a hashing key. */
  public static byte[] key(InetAddress address, int prefix) {
    try {
      byte[] masked = Address.truncate(address, prefix).getAddress();
      byte[] out = java.util.Arrays.copyOf(masked, masked.length + 1);
      out[masked.length] = (byte) prefix;
      return out;
    } catch (IllegalArgumentException e) {
      return address.getAddress();
    }
  }
}
