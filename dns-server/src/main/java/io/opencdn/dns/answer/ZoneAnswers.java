package io.opencdn.dns.answer;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

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
  static void addNegativeSoa(Message response, Zone zone) {
    SOARecord soa = zone.getSOA();
    long ttl = Math.min(soa.getTTL(), soa.getMinimum());
    response.addRecord(new SOARecord(soa.getName(), DClass.IN, ttl, soa.getHost(), soa.getAdmin(), soa.getSerial(),
        soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()), Section.AUTHORITY);
  }

  /** Referral: the child's NS set in the authority section and in-zone glue in the additional section. */
  static void addReferral(Message response, Zone zone, RRset ns) {
    addRRset(response, ns, Section.AUTHORITY);
    for (Record r : ns.rrs(false)) {
      org.xbill.DNS.Name target = ((org.xbill.DNS.NSRecord) r).getTarget();
      if (!target.subdomain(zone.getOrigin())) {
        continue;
      }
      for (int type : new int[] {Type.A, Type.AAAA}) {
        RRset glue = zone.findExactMatch(target, type);
        if (glue != null) {
          addRRset(response, glue, Section.ADDITIONAL);
        }
      }
    }
  }
}
