package io.opencdn.dns.answer;

import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.zone.ZoneData;
import io.opencdn.dns.zone.ZoneSet;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * NXDOMAIN straight to the wire for names that do not exist in a zone, the answer to a
 * random-subdomain flood: every name is new, so no per-name cache helps, and the full path (message
 * parse, zone walk, message build, compression) would run for each one.
 *
 * <p>Whether a name exists is decided on the question's lower-cased wire form, with the same walk
 * as {@link ZoneData#lookup} (RFC 1034 4.3.2, RFC 4592): down from the apex of the deepest zone
 * holding the name, the first missing node gives NXDOMAIN unless the closest encloser has a
 * wildcard child; a zone cut on the way (a delegation) or an existing name is not negative. A
 * geo-routed name exists. Anything this class is not sure of gets null, and the full path answers.
 *
 * <p>The bytes come from a template: the full path's NXDOMAIN response to an earlier name of the
 * same zone, question type, RD/CD bits and EDNS shape (none, or with or without DO: {@link
 * FastQuery#ednsShape}) ({@link #learn}). Only the question and the compression pointers differ
 * between two such responses: the SOA owner points at the apex inside the question, and later names
 * point into the question's apex part (the same bytes in every name of the zone, at a distance from
 * the name's end that does not change) or back into the records. A template is kept only when its
 * pointers are of those kinds, and used only for names whose label just below the apex differs from
 * that of the SOA's MNAME and RNAME (otherwise the encoder would compress them into the question
 * instead). {@code FastPathTest} checks the bytes against the full path.
 */
final class NegativeAnswers {

  private static final int HEADER = 12;

  /** Templates kept at most (zones x types x flag shapes). */
  private static final int MAX_TEMPLATES = 1024;

  /** One zone's names by lower-cased wire form. */
  private record ZoneIndex(
      Set<String> names, Set<String> cuts, Set<String> wildcardParents, Set<String> soaLabels) {}

  /**
   * The records of an NXDOMAIN response after its question: {@code tail}; at {@code
   * questionPointers} a pointer into the question's apex part ({@code questionDistances}: how far
   * before the end of the question name it points), at {@code innerPointers} a pointer into the
   * tail (stored relative to the tail's start).
   */
  private record Template(
      byte[] header,
      byte[] tail,
      int[] questionPointers,
      int[] questionDistances,
      int[] innerPointers) {}

  private final Map<String, ZoneIndex> zones;
  private final Set<String> routed;
  private final ConcurrentHashMap<String, Template> templates = new ConcurrentHashMap<>();

  NegativeAnswers(ZoneSet zoneSet, Set<Name> routedNames) {
    Map<String, ZoneIndex> byApex = new HashMap<>();
    for (ZoneData z : zoneSet.zones()) {
      byApex.put(key(z.origin()), index(z));
    }
    this.zones = Map.copyOf(byApex);
    Set<String> r = new HashSet<>();
    routedNames.forEach(n -> r.add(key(n)));
    this.routed = Set.copyOf(r);
  }

  private static ZoneIndex index(ZoneData z) {
    Set<String> names = new HashSet<>();
    Set<String> cuts = new HashSet<>();
    Set<String> wild = new HashSet<>();
    for (Name n : z.names()) {
      names.add(key(n));
      if (!n.equals(z.origin()) && z.find(n, Type.NS) != null) {
        cuts.add(key(n));
      }
      if (n.isWild() && !n.equals(z.origin())) {
        wild.add(key(new Name(n, 1)));
      }
    }
    Set<String> soaLabels = new HashSet<>();
    for (Name n : List.of(z.soa().getHost(), z.soa().getAdmin())) {
      if (n.subdomain(z.origin()) && n.labels() > z.origin().labels()) {
        String k = key(new Name(n, n.labels() - z.origin().labels() - 1));
        soaLabels.add(k.substring(0, 1 + k.charAt(0)));
      }
    }
    return new ZoneIndex(
        Set.copyOf(names), Set.copyOf(cuts), Set.copyOf(wild), Set.copyOf(soaLabels));
  }

  /** The lower-cased wire form of {@code n}, as {@link FastQuery#nameKey()} gives it. */
  static String key(Name n) {
    return new String(n.toWireCanonical(), StandardCharsets.ISO_8859_1);
  }

  /**
   * The NXDOMAIN response to {@code q}, or null when {@code q}'s name may exist, no template is
   * known yet, or the response would not fit the client's UDP size ({@code udp}).
   */
  byte[] answer(FastQuery q, String nameKey, boolean udp) {
    if (q.hasEcsOption() || routed.contains(nameKey)) {
      return null;
    }
    // label starts, from the whole name to the root
    int[] starts = new int[8];
    int labels = 0;
    for (int p = 0; nameKey.charAt(p) != 0; p += 1 + nameKey.charAt(p)) {
      if (labels == starts.length) {
        starts = java.util.Arrays.copyOf(starts, labels * 2);
      }
      starts[labels++] = p;
    }
    int zoneAt = -1;
    ZoneIndex zone = null;
    for (int i = 0; i < labels && zone == null; i++) {
      zone = zones.get(nameKey.substring(starts[i]));
      zoneAt = i;
    }
    if (zone == null || zoneAt == 0) {
      return null;
    }
    String encloser = nameKey.substring(starts[zoneAt]);
    for (int i = zoneAt - 1; i >= 0; i--) {
      String candidate = nameKey.substring(starts[i]);
      if (!zone.names().contains(candidate)) {
        if (zone.wildcardParents().contains(encloser)) {
          return null;
        }
        break;
      }
      if (zone.cuts().contains(candidate) || i == 0) {
        return null; // a referral, or the name exists
      }
      encloser = candidate;
    }
    int below = starts[zoneAt - 1];
    if (zone.soaLabels().contains(nameKey.substring(below, starts[zoneAt]))) {
      return null;
    }
    Template t = templates.get(templateKey(q, nameKey.substring(starts[zoneAt])));
    if (t == null) {
      return null;
    }
    byte[] in = q.wire();
    int question = q.nameEnd() + 4 - HEADER;
    byte[] out = new byte[HEADER + question + t.tail().length];
    System.arraycopy(t.header(), 0, out, 0, HEADER);
    out[0] = in[0];
    out[1] = in[1];
    System.arraycopy(in, HEADER, out, HEADER, question);
    int tailAt = HEADER + question;
    System.arraycopy(t.tail(), 0, out, tailAt, t.tail().length);
    for (int i = 0; i < t.questionPointers().length; i++) {
      pointer(out, tailAt + t.questionPointers()[i], q.nameEnd() - t.questionDistances()[i]);
    }
    for (int p : t.innerPointers()) {
      int target = ((t.tail()[p] & 0x3F) << 8 | (t.tail()[p + 1] & 0xFF));
      pointer(out, tailAt + p, tailAt + target);
    }
    if (udp && out.length > q.udpLimit()) {
      return null;
    }
    return out;
  }

  private static void pointer(byte[] out, int at, int target) {
    out[at] = (byte) (0xC0 | target >>> 8);
    out[at + 1] = (byte) target;
  }

  private static String templateKey(FastQuery q, String apexKey) {
    byte[] in = q.wire();
    return apexKey + (char) q.type() + (char) ((in[2] & 0x01) | (in[3] & 0x10)) + q.ednsShape();
  }

  /**
   * Keeps the full path's {@code response} to {@code q} as the template of its zone, type and flags
   * when it is an NXDOMAIN of the expected shape (question, the SOA in authority, perhaps an OPT
   * record) whose pointers are all to the apex in the question or into the records.
   */
  void learn(FastQuery q, String nameKey, byte[] response) {
    if (q.hasEcsOption()
        || response.length < HEADER
        || (response[3] & 0x0F) != Rcode.NXDOMAIN
        || templates.size() >= MAX_TEMPLATES) {
      return;
    }
    int zoneAt = -1;
    for (int p = 0; nameKey.charAt(p) != 0; p += 1 + nameKey.charAt(p)) {
      if (zones.containsKey(nameKey.substring(p))) {
        zoneAt = p;
        break;
      }
    }
    if (zoneAt <= 0) {
      return;
    }
    String apexKey = nameKey.substring(zoneAt);
    String key = templateKey(q, apexKey);
    if (templates.containsKey(key)) {
      return;
    }
    Template t = template(q, response, apexKey.length());
    if (t != null) {
      templates.putIfAbsent(key, t);
    }
  }

  private static Template template(FastQuery q, byte[] r, int apexLength) {
    byte[] in = q.wire();
    int questionEnd = q.nameEnd() + 4;
    if (r.length < questionEnd
        || u16(r, 4) != 1
        || u16(r, 6) != 0
        || u16(r, 8) != 1
        || u16(r, 10) > 1) {
      return null;
    }
    for (int i = HEADER; i < questionEnd; i++) {
      if (r[i] != in[i]) {
        return null;
      }
    }
    int apex = q.nameEnd() - apexLength;
    List<Integer> toQuestion = new java.util.ArrayList<>();
    List<Integer> inner = new java.util.ArrayList<>();
    int p = questionEnd;
    int records = u16(r, 8) + u16(r, 10);
    for (int rr = 0; rr < records; rr++) {
      p = name(r, p, questionEnd, apex, toQuestion, inner);
      if (p < 0 || p + 10 > r.length) {
        return null;
      }
      int type = u16(r, p);
      int rdlength = u16(r, p + 8);
      int rdata = p + 10;
      if (rdata + rdlength > r.length) {
        return null;
      }
      if (type == Type.SOA) {
        int q2 = name(r, rdata, questionEnd, apex, toQuestion, inner);
        q2 = q2 < 0 ? -1 : name(r, q2, questionEnd, apex, toQuestion, inner);
        if (q2 != rdata + rdlength - 20) {
          return null;
        }
      } else if (type != Type.OPT) {
        return null;
      }
      p = rdata + rdlength;
    }
    if (p != r.length) {
      return null;
    }
    byte[] header = java.util.Arrays.copyOf(r, HEADER);
    byte[] tail = java.util.Arrays.copyOfRange(r, questionEnd, r.length);
    int[] a = toQuestion.stream().mapToInt(i -> i - questionEnd).toArray();
    int[] distances =
        toQuestion.stream()
            .mapToInt(i -> q.nameEnd() - ((r[i] & 0x3F) << 8 | (r[i + 1] & 0xFF)))
            .toArray();
    int[] b = inner.stream().mapToInt(i -> i - questionEnd).toArray();
    for (int i : b) {
      // stored relative to the tail, so a longer or shorter question moves them along
      int target = (tail[i] & 0x3F) << 8 | (tail[i + 1] & 0xFF);
      tail[i] = (byte) (0xC0 | (target - questionEnd) >>> 8);
      tail[i + 1] = (byte) (target - questionEnd);
    }
    return new Template(header, tail, a, distances, b);
  }

  /**
   * Reads a name at {@code p}: its end, or -1 when it points anywhere but into the question's apex
   * part (the apex or one of its suffixes, the same in every name of the zone) or the records
   * already read, or runs off the message.
   */
  private static int name(
      byte[] r, int p, int questionEnd, int apex, List<Integer> toQuestion, List<Integer> inner) {
    while (p < r.length) {
      int len = r[p] & 0xFF;
      if (len == 0) {
        return p + 1;
      }
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= r.length) {
          return -1;
        }
        int target = (len & 0x3F) << 8 | (r[p + 1] & 0xFF);
        if (target >= apex && target < questionEnd - 4) {
          toQuestion.add(p);
        } else if (target >= questionEnd && target < p) {
          inner.add(p);
        } else {
          return -1;
        }
        return p + 2;
      }
      if ((len & 0xC0) != 0) {
        return -1;
      }
      p += 1 + len;
    }
    return -1;
  }

  private static int u16(byte[] b, int i) {
    return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
  }
}
