package io.opencdn.dns.dnssec;

import io.opencdn.dns.zone.Lookup;
import io.opencdn.dns.zone.ZoneData;
import io.opencdn.dns.zone.ZoneSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one full-path response into its signed form (RFC 4035 3.1): an RRSIG beside every
 * authoritative RRset of the answer, authority and additional sections (never beside a referral's
 * NS set or glue, which the child owns), and denial of existence in the compact form of RFC 9824:
 *
 * <ul>
 *   <li>NODATA: an NSEC owned by the name denied, next name {@code \000.<name>}, its type bitmap
 *       the types that exist there plus RRSIG and NSEC;
 *   <li>NXDOMAIN: answered as NODATA (rcode NOERROR) with an NSEC whose bitmap holds only RRSIG,
 *       NSEC and NXNAME (type 128), so nothing but that one name is covered: no zone walking, no
 *       NSEC chain precomputed over the names;
 *   <li>a referral without DS: an NSEC at the cut with NS, RRSIG and NSEC (no DS, RFC 4035 3.1.4).
 * </ul>
 *
 * <p>Wildcard answers are signed as if their records existed at the query name (as RFC 9824's
 * online signers do), so no proof of the name's absence is needed. The NSEC TTL is the negative
 * TTL, min(SOA TTL, SOA MINIMUM) (RFC 9077).
 */
final class SignedMessage {

  /** RFC 9824 NXNAME meta-type: the name does not exist. */
  static final int NXNAME = 128;

  private final Message m;
  private final ZoneSet zones;
  private final Set<Name> routed;
  private final Map<Name, KeyRing> rings;
  private final Signatures signatures;
  private final Signatures.Window window;

  SignedMessage(
      Message m,
      ZoneSet zones,
      Set<Name> routed,
      Map<Name, KeyRing> rings,
      Signatures signatures,
      Signatures.Window window) {
    this.m = m;
    this.zones = zones;
    this.routed = routed;
    this.rings = rings;
    this.signatures = signatures;
    this.window = window;
  }

  /** Signs the message in place; returns the rcode it now has (NXDOMAIN becomes NOERROR). */
  int sign(Name qname, int rcode) {
    List<RRset> answer = m.getSectionRRsets(Section.ANSWER);
    List<RRset> authority = m.getSectionRRsets(Section.AUTHORITY);
    List<RRset> additional = m.getSectionRRsets(Section.ADDITIONAL);
    m.removeAllRecords(Section.ANSWER);
    m.removeAllRecords(Section.AUTHORITY);
    m.removeAllRecords(Section.ADDITIONAL);
    Name last = qname;
    for (RRset set : answer) {
      add(set, Section.ANSWER, true);
      if (set.getType() == Type.CNAME) {
        last = ((CNAMERecord) set.first()).getTarget();
      }
    }
    RRset soa = authority.stream().filter(s -> s.getType() == Type.SOA).findFirst().orElse(null);
    int out = rcode;
    if (soa != null) {
      add(soa, Section.AUTHORITY, true);
      ZoneData zone = zones.zoneFor(soa.getName());
      if (zone != null && zone.origin().equals(soa.getName())) {
        long ttl = Math.min(soa.getTTL(), ((SOARecord) soa.first()).getMinimum());
        int[] types =
            rcode == Rcode.NXDOMAIN
                ? new int[] {Type.RRSIG, Type.NSEC, NXNAME}
                : typesAt(zone, last);
        add(nsec(last, ttl, types), Section.AUTHORITY, true);
      }
      out = rcode == Rcode.NXDOMAIN ? Rcode.NOERROR : rcode;
      m.getHeader().setRcode(out);
    } else {
      for (RRset set : authority) {
        add(set, Section.AUTHORITY, false);
        if (set.getType() == Type.NS) {
          referral(set.getName());
        }
      }
    }
    for (RRset set : additional) {
      ZoneData zone = zones.zoneFor(set.getName());
      boolean glue =
          zone == null || zone.lookup(set.getName(), set.getType()) instanceof Lookup.Delegation;
      add(set, Section.ADDITIONAL, !glue);
    }
    return out;
  }

  /** The DS RRset at a cut, or the NSEC proving there is none. */
  private void referral(Name cut) {
    ZoneData zone = zones.zoneFor(cut);
    if (zone == null || cut.equals(zone.origin())) {
      return;
    }
    RRset ds = zone.find(cut, Type.DS);
    if (ds != null) {
      add(ds, Section.AUTHORITY, true);
      return;
    }
    SOARecord soa = zone.soa();
    add(
        nsec(
            cut,
            Math.min(soa.getTTL(), soa.getMinimum()),
            new int[] {Type.NS, Type.RRSIG, Type.NSEC}),
        Section.AUTHORITY,
        true);
  }

  private void add(RRset set, int section, boolean signed) {
    for (Record r : set.rrs(false)) {
      m.addRecord(r, section);
    }
    if (!signed) {
      return;
    }
    KeyRing ring = ringFor(set.getName());
    if (ring == null || !ring.signing()) {
      return;
    }
    int t = set.getType();
    boolean keySet =
        (t == Type.DNSKEY || t == Type.CDS || t == Type.CDNSKEY)
            && set.getName().equals(ring.zone());
    for (ZoneKey key : keySet ? ring.keySigners() : List.of(ring.dataSigner())) {
      m.addRecord(signatures.sign(set, key, window), section);
    }
  }

  private KeyRing ringFor(Name name) {
    for (Name n = name; ; n = new Name(n, 1)) {
      KeyRing r = rings.get(n);
      if (r != null || n.labels() <= 1) {
        return r;
      }
    }
  }

  private static RRset nsec(Name name, long ttl, int[] types) {
    Name next;
    try {
      next = Name.concatenate(Name.fromConstantString("\\000"), name);
    } catch (NameTooLongException e) {
      next = name; // no room for a label: the NSEC covers nothing beyond its owner either way
    }
    return new RRset(new NSECRecord(name, DClass.IN, ttl, next, types));
  }

  /**
   * The types at {@code name} for a NODATA bitmap: its own, or its wildcard's, plus RRSIG and NSEC.
   */
  private int[] typesAt(ZoneData zone, Name name) {
    TreeSet<Integer> types = new TreeSet<>();
    Set<Integer> at = zone.types(name);
    if (at == null) {
      Name encloser = name;
      while (encloser.labels() > zone.origin().labels() && !zone.exists(encloser)) {
        encloser = new Name(encloser, 1);
      }
      try {
        at = zone.types(Name.concatenate(Name.fromConstantString("*"), encloser));
      } catch (NameTooLongException e) {
        at = null;
      }
    }
    if (at != null) {
      types.addAll(at);
    }
    if (routed.contains(name)) {
      types.add(Type.A);
      types.add(Type.AAAA);
    }
    KeyRing ring = rings.get(zone.origin());
    if (name.equals(zone.origin()) && ring != null) {
      types.add(Type.DNSKEY);
      if (ring.cds() != null) {
        types.add(Type.CDS);
        types.add(Type.CDNSKEY);
      }
    }
    types.add(Type.RRSIG);
    types.add(Type.NSEC);
    List<Integer> list = new ArrayList<>(types);
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
