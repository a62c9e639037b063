package io.opencdn.dns.answer;

import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.zone.ZoneSet;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * What the query path asks of DNSSEC, and all it asks ({@link OnlineSigner} is the implementation).
 * Queries without the DO bit get exactly the answers they get without DNSSEC, except that the apex
 * of a signed zone now has DNSKEY, CDS and CDNSKEY records. Queries with it get signed answers:
 * from the full path through {@link #sign}, from the fast path through {@link #cached} (zone
 * answers kept by {@link #keep}) and {@link #signFast} (geo answers). Every method is thread-safe
 * and never blocks; a signature that is not cached is made on the calling thread.
 */
public interface ResponseSigner {

  /**
   * The full path's {@code answer} to {@code request} as a signed zone gives it: DNSKEY, CDS,
   * CDNSKEY at a zone apex; with DO, RRSIGs over the authoritative RRsets and compact denial of
   * existence (RFC 9824). The answer is returned unchanged for unsigned zones and errors.
   *
   * @param zones the zones the answer came from
   * @param routed the geo-routed names (they have A and AAAA, whatever the zone file says)
   */
  Answer sign(Request request, Answer answer, ZoneSet zones, Set<Name> routed);

  /** The signed response kept for a query of this shape, with its ID and question, or null. */
  byte[] cached(FastQuery query, boolean udp);

  /** Keeps the full path's signed response to a zone-data question (see {@link #cached}). */
  void keep(FastQuery query, int rcode, byte[] response);

  /**
   * {@code wire}, the fast path's unsigned answer to {@code query} (DO set), with the RRSIG of its
   * answer RRset added; null when the full path must answer (unsigned zone, too long for UDP).
   */
  byte[] signFast(FastQuery query, byte[] wire, boolean udp);
}
