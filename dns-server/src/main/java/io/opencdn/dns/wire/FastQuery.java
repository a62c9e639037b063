package io.opencdn.dns.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The common shape of a query, read straight from the wire without building a dnsjava message: a
 * header with QR = 0, opcode QUERY, QDCOUNT = 1, ANCOUNT = NSCOUNT = 0, ARCOUNT 0 or 1; one
 * question of class IN with an uncompressed name; at most one OPT record (root owner, version 0)
 * carrying nothing or exactly one well-formed Client Subnet option (RFC 7871 6: family 1 or 2,
 * source prefix within the family, exactly {@code ceil(source / 8)} address bytes, no bits set
 * beyond the prefix, scope 0); and nothing after it. {@link #parse} returns null for anything else,
 * and such a message takes the full path ({@link QueryDecoder}), which knows every rule. So this
 * class never decides an error; it only recognises queries it is sure about.
 */
public final class FastQuery {

  private static final int HEADER = 12;
  private static final int TYPE_OPT = 41;
  private static final int OPTION_ECS = 8;

  private final byte[] wire;
  private final int nameEnd;
  private final int qtype;
  private final boolean edns;
  private final boolean dnssecOk;
  private final int udpLimit;
  private final int ecsFamily;
  private final int ecsSource;
  private final int ecsStart;

  /** {@link #nameKey()}, made on first use (a query is read by one thread). */
  private String nameKey;

  private FastQuery(
      byte[] wire,
      int nameEnd,
      int qtype,
      boolean edns,
      boolean dnssecOk,
      int udpLimit,
      int ecsFamily,
      int ecsSource,
      int ecsStart) {
    this.wire = wire;
    this.nameEnd = nameEnd;
    this.qtype = qtype;
    this.edns = edns;
    this.dnssecOk = dnssecOk;
    this.udpLimit = udpLimit;
    this.ecsFamily = ecsFamily;
    this.ecsSource = ecsSource;
    this.ecsStart = ecsStart;
  }

  /** The query in {@code wire}, or null when it is not of the common shape. */
  public static FastQuery parse(byte[] wire) {
    int n = wire.length;
    if (n < HEADER + 5
        || (wire[2] & 0xF8) != 0
        || u16(wire, 4) != 1
        || u16(wire, 6) != 0
        || u16(wire, 8) != 0) {
      return null;
    }
    int additional = u16(wire, 10);
    if (additional > 1) {
      return null;
    }
    int p = HEADER;
    while (true) {
      if (p >= n) {
        return null;
      }
      int len = wire[p] & 0xFF;
      if (len == 0) {
        p++;
        break;
      }
      if (len > 63 || p + 1 + len - HEADER > 254) {
        return null;
      }
      p += 1 + len;
    }
    int nameEnd = p;
    if (p + 4 > n || u16(wire, p + 2) != 1) {
      return null;
    }
    int qtype = u16(wire, p);
    p += 4;
    if (additional == 0) {
      return p == n
          ? new FastQuery(wire, nameEnd, qtype, false, false, Edns.CLASSIC_UDP_SIZE, -1, 0, -1)
          : null;
    }
    // OPT: root owner, type, payload size, extended rcode, version, flags, rdlength, options
    if (p + 11 > n || wire[p] != 0 || u16(wire, p + 1) != TYPE_OPT || wire[p + 6] != 0) {
      return null;
    }
    int payload = u16(wire, p + 3);
    boolean dnssecOk = (wire[p + 7] & 0x80) != 0;
    int rdlength = u16(wire, p + 9);
    p += 11;
    if (p + rdlength != n) {
      return null;
    }
    int udpLimit = Math.min(Edns.OUR_UDP_SIZE, Math.max(Edns.CLASSIC_UDP_SIZE, payload));
    if (rdlength == 0) {
      return new FastQuery(wire, nameEnd, qtype, true, dnssecOk, udpLimit, -1, 0, -1);
    }
    // exactly one option, a valid Client Subnet
    if (rdlength < 8 || u16(wire, p) != OPTION_ECS || u16(wire, p + 2) != rdlength - 4) {
      return null;
    }
    int family = u16(wire, p + 4);
    int source = wire[p + 6] & 0xFF;
    int scope = wire[p + 7] & 0xFF;
    int max = family == 1 ? 32 : family == 2 ? 128 : -1;
    int bytes = (source + 7) / 8;
    if (max < 0 || source > max || scope != 0 || rdlength - 8 != bytes) {
      return null;
    }
    if (bytes > 0 && source % 8 != 0 && (wire[p + 8 + bytes - 1] & (0xFF >>> (source % 8))) != 0) {
      return null;
    }
    return new FastQuery(wire, nameEnd, qtype, true, dnssecOk, udpLimit, family, source, p + 8);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  /** The query message as received. */
  public byte[] wire() {
    return wire;
  }

  /** Offset just past the question name (the name starts at 12). */
  public int nameEnd() {
    return nameEnd;
  }

  /** QTYPE. */
  public int type() {
    return qtype;
  }

  /** Whether the query had an OPT record. */
  public boolean edns() {
    return edns;
  }

  /** Whether the OPT record had the DO bit (copied into the response). */
  public boolean dnssecOk() {
    return dnssecOk;
  }

  /**
   * The query's EDNS shape, which a response depends on: {@code '-'} without an OPT record, {@code
   * 'E'} with one, {@code 'D'} with one that has the DO bit.
   */
  public char ednsShape() {
    return !edns ? '-' : dnssecOk ? 'D' : 'E';
  }

  /** Largest UDP response the client takes (as {@link Edns#udpLimit}). */
  public int udpLimit() {
    return udpLimit;
  }

  /** Whether the query had a Client Subnet option (with any source prefix, 0 included). */
  public boolean hasEcsOption() {
    return ecsFamily > 0;
  }

  /** The option's family, 1 or 2. */
  public int ecsFamily() {
    return ecsFamily;
  }

  /** The option's source prefix length. */
  public int ecsSource() {
    return ecsSource;
  }

  /** Offset of the option's address bytes in {@link #wire()}. */
  public int ecsAddressStart() {
    return ecsStart;
  }

  /** True when a Client Subnet option with a non-zero source prefix names the client's network. */
  public boolean hasClientSubnet() {
    return ecsFamily > 0 && ecsSource > 0;
  }

  /** The Client Subnet's network (zero beyond the prefix); only when {@link #hasClientSubnet()}. */
  public InetAddress subnetAddress() {
    byte[] a = new byte[ecsFamily == 1 ? 4 : 16];
    System.arraycopy(wire, ecsStart, a, 0, (ecsSource + 7) / 8);
    try {
      return InetAddress.getByAddress(a);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes: cannot happen
    }
  }

  /**
   * The question name in wire form with ASCII letters lower-cased, as a Latin-1 string: a
   * case-insensitive key for names (RFC 4343).
   */
  public String nameKey() {
    String k = nameKey;
    if (k == null) {
      k = nameKey(wire, HEADER, nameEnd);
      nameKey = k;
    }
    return k;
  }

  /** {@link #nameKey()} of the wire-form name in {@code b[from, to)}. */
  public static String nameKey(byte[] b, int from, int to) {
    byte[] k = new byte[to - from];
    for (int i = from; i < to; i++) {
      byte c = b[i];
      k[i - from] = c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }
    return new String(k, StandardCharsets.ISO_8859_1);
  }
}
