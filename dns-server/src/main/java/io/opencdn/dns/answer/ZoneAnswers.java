package io.opencdn.dns.answer;

import io.opencdn.dns.zone.ZoneData;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Helpers that copy zone data into response sections. */
final class ZoneAnswers {

  private ZoneAnswers() {}

  static void addRRset(Message response, RRset set, int section) {
    for (Record r : set.rrs(false)) {
      if (!response.findRecord(r, section)) {
        response.addRecord(r, section);
      }
    }
  }

  /**
   * The zone's SOA for the authority section of a negative answer, its TTL lowered to the SOA
   * MINIMUM field so resolvers cache the negative answer no longer than intended (RFC 2308 3).
   */
  static void addNegativeSoa(Message response, ZoneData zone) {
    SOARecord soa = zone.soa();
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    response.addRecord(
        new SOARecord(
            soa.getName(),
            DClass.IN,
            ttl,
            soa.getHost(),
            soa.getAdmin(),
            soa.getSerial(),
            soa.getRefresh(),
            soa.getRetry(),
            soa.getExpire(),
            soa.getMinimum()),
        Section.AUTHORITY);
  }

  /**
   * Additional section processing (RFC 1035 3.3.2, 3.3.9; RFC 2782): the A and AAAA records of the
   * in-zone targets of NS, MX and SRV answers, wildcard-synthesised when that is how the target
   * exists, glue when the target lies below a zone cut (as Knot and NSD do).
   */
  static void addTargets(Message response, ZoneData zone, java.util.List<RRset> answers) {
    for (RRset set : answers) {
      int t = set.getType();
      if (t != Type.NS && t != Type.MX && t != Type.SRV) {
        continue;
      }
      for (Record r : set.rrs(false)) {
        org.xbill.DNS.Name target = r.getAdditionalName();
        if (target == null || !target.subdomain(zone.origin())) {
          continue;
        }
        for (int type : new int[] {Type.A, Type.AAAA}) {
          io.opencdn.dns.zone.Lookup found = zone.lookup(target, type);
          RRset add =
              found instanceof io.opencdn.dns.zone.Lookup.Found f
                  ? f.sets().get(0)
                  : found instanceof io.opencdn.dns.zone.Lookup.Delegation
                      ? zone.find(target, type)
                      : null;
          if (add != null) {
            addRRset(response, add, Section.ADDITIONAL);
          }
        }
      }
    }
  }

  /**
   * Referral: the child's NS set in the authority section and in-zone glue in the additional
   * section.
   */
  static void addReferral(Message response, ZoneData zone, RRset ns) {
    addRRset(response, ns, Section.AUTHORITY);
    for (Record r : ns.rrs(false)) {
      org.xbill.DNS.Name target = ((org.xbill.DNS.NSRecord) r).getTarget();
      if (!target.subdomain(zone.origin())) {
        continue;
      }
      for (int type : new int[] {Type.A, Type.AAAA}) {
        RRset glue = zone.find(target, type);
        if (glue != null) {
          addRRset(response, glue, Section.ADDITIONAL);
        }
      }
    }
  }
}
