package io.opencdn.dns.wire;

import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.OPTRecord;

/**
 * EDNS(0) as a responder (RFC 6891): every response to a query with an OPT record carries one,
 * advertising our UDP payload size, with the query's DO bit copied (RFC 3225 3); queries with a
 * version above 0 get BADVERS (6.1.3).
 */
public final class Edns {

  /**
   * UDP payload size we advertise and the most we send (DNS Flag Day 2020: no IP fragmentation).
   */
  public static final int OUR_UDP_SIZE = 1232;

  /** Limit for UDP responses without EDNS (RFC 1035 4.2.1). */
  public static final int CLASSIC_UDP_SIZE = 512;

  private Edns() {}

  /**
   * Largest UDP response for a client that advertised {@code payloadSize} (values below 512 mean
   * 512).
   */
  public static int udpLimit(OPTRecord opt) {
    if (opt == null) {
      return CLASSIC_UDP_SIZE;
    }
    return Math.min(OUR_UDP_SIZE, Math.max(CLASSIC_UDP_SIZE, opt.getPayloadSize()));
  }

  /**
   * The OPT record of a response with the given full rcode (the bits above 4 go into the OPT
   * record's EXTENDED-RCODE, RFC 6891 6.1.3), the query's DO bit ({@code dnssecOk}: RFC 3225 3 says
   * it is copied into the response; this server has no DNSSEC records to add) and options.
   */
  public static OPTRecord responseOpt(int rcode, boolean dnssecOk, EDNSOption... options) {
    return new OPTRecord(OUR_UDP_SIZE, rcode >>> 4, 0, dnssecOk ? ExtendedFlags.DO : 0, options);
  }

  /** True when {@code opt} is present with the DO (DNSSEC OK) bit set. */
  public static boolean dnssecOk(OPTRecord opt) {
    return opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
  }

  /** The low 4 bits of an rcode, for the header. */
  public static int headerRcode(int rcode) {
    return rcode & 0xF;
  }
}
