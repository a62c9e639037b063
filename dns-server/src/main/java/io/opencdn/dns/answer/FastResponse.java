package io.opencdn.dns.answer;

import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.Family;
import io.opencdn.dns.wire.Edns;
import io.opencdn.dns.wire.FastQuery;
import java.util.List;

/**
 * Writes the response of {@link FastAnswerer#answer} into one array, in the layout dnsjava gives
 * the same message (RFC 1035 4.1): the header (ID copied, QR and AA set, RD and CD copied,
 * NOERROR), the question copied from the query as asked, one A or AAAA record per edge with its
 * owner compressed to the question name (pointer 0xC00C), and, when the query had EDNS, an OPT
 * record advertising {@link Edns#OUR_UDP_SIZE}, with the query's DO bit, that echoes the Client
 * Subnet option with SCOPE PREFIX-LENGTH set (RFC 7871 7.2.1; 0 when the source prefix is 0).
 */
final class FastResponse {

  private static final int TYPE_A = 1;
  private static final int TYPE_AAAA = 28;
  private static final int TYPE_OPT = 41;

  private FastResponse() {}

  static byte[] encode(FastQuery q, List<Edge> edges, Family family, long ttl, int scope) {
    byte[] in = q.wire();
    int questionEnd = q.nameEnd() + 4;
    boolean v4 = family == Family.IPV4;
    int rdlength = v4 ? 4 : 16;
    int ecsBytes = q.hasEcsOption() ? (q.ecsSource() + 7) / 8 : 0;
    int optLength = !q.edns() ? 0 : 11 + (q.hasEcsOption() ? 8 + ecsBytes : 0);
    byte[] out = new byte[questionEnd + edges.size() * (12 + rdlength) + optLength];
    out[0] = in[0];
    out[1] = in[1];
    out[2] = (byte) (0x80 | 0x04 | (in[2] & 0x01));
    out[3] = (byte) (in[3] & 0x10);
    out[5] = 1;
    out[7] = (byte) edges.size();
    out[11] = (byte) (q.edns() ? 1 : 0);
    System.arraycopy(in, 12, out, 12, questionEnd - 12);
    int p = questionEnd;
    for (Edge e : edges) {
      out[p] = (byte) 0xC0;
      out[p + 1] = 12;
      p = u16(out, p + 2, v4 ? TYPE_A : TYPE_AAAA);
      p = u16(out, p, 1);
      p = u16(out, p, (int) (ttl >>> 16));
      p = u16(out, p, (int) ttl);
      p = u16(out, p, rdlength);
      byte[] address = (v4 ? e.ipv4() : e.ipv6()).getAddress();
      System.arraycopy(address, 0, out, p, rdlength);
      p += rdlength;
    }
    if (q.edns()) {
      out[p] = 0;
      p = u16(out, p + 1, TYPE_OPT);
      p = u16(out, p, Edns.OUR_UDP_SIZE);
      out[p + 2] =
          (byte) (q.dnssecOk() ? 0x80 : 0); // extended rcode 0, version 0, flags: DO copied
      p += 4;
      if (!q.hasEcsOption()) {
        u16(out, p, 0);
        return out;
      }
      p = u16(out, p, 8 + ecsBytes);
      p = u16(out, p, 8);
      p = u16(out, p, 4 + ecsBytes);
      p = u16(out, p, q.ecsFamily());
      int source = q.ecsSource();
      int max = q.ecsFamily() == 1 ? 32 : 128;
      out[p] = (byte) source;
      out[p + 1] = (byte) (source == 0 ? 0 : Math.max(0, Math.min(scope, max)));
      System.arraycopy(in, q.ecsAddressStart(), out, p + 2, ecsBytes);
    }
    return out;
  }

  private static int u16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
    return at + 2;
  }
}
