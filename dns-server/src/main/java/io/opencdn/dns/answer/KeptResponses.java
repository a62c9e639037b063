package io.opencdn.dns.answer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.dns.geo.Doorkeeper;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.zone.ZoneSet;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * Full-path responses from zone data, kept to be replayed from bytes: a response per question shape
 * ({@link #response}), and NXDOMAIN templates per zone for names that do not exist ({@link
 * #negative}, see {@link NegativeAnswers}). Both belong to the zones of one answer stage: a reload
 * builds a new stage with empty ones. Thread-safe; never blocks.
 */
public final class KeptResponses {

  /** Responses from zone data kept for {@link #response}. */
  static final int ZONE_RESPONSES = 16_384;

  /** Largest response kept: one that fits every UDP client (RFC 1035 4.2.1). */
  private static final int ZONE_RESPONSE_MAX = 512;

  private final Cache<String, byte[]> zoneResponses =
      Caffeine.newBuilder().maximumSize(ZONE_RESPONSES).executor(Runnable::run).build();

  /**
   * A response is kept from its question's second full answer on: random names (NXDOMAIN floods, a
   * resolver's probes) are each asked once and would only churn the cache.
   */
  private final Doorkeeper doorkeeper = new Doorkeeper(ZONE_RESPONSES * 4);

  private final NegativeAnswers negatives;

  /**
   * @param routed the geo-routed names (they exist, and their answers are never kept)
   */
  public KeptResponses(ZoneSet zones, Set<Name> routed) {
    this.negatives = new NegativeAnswers(zones, routed);
  }

  /**
   * The response the full path gave to an earlier query of the same shape, with this query's ID and
   * question (so its case) copied in; null when there is none. Only responses from zone data
   * ({@link Answer#fromZone()}) to queries without a Client Subnet option are kept ({@link #keep}):
   * they depend on nothing but the question name (case-insensitively), type, RD and CD bits and the
   * query's EDNS shape (none, or with or without DO), and on the zones. Names in the response that
   * match the question are compressed to pointers into it, so the copied question supplies their
   * case as it would in a response built afresh.
   */
  public byte[] response(FastQuery q) {
    if (q.hasEcsOption() || challenge(q)) {
      return null;
    }
    byte[] template = zoneResponses.getIfPresent(key(q));
    if (template == null) {
      return null;
    }
    byte[] out = template.clone();
    byte[] in = q.wire();
    out[0] = in[0];
    out[1] = in[1];
    System.arraycopy(in, 12, out, 12, q.nameEnd() - 12);
    return out;
  }

  /**
   * The NXDOMAIN response to {@code q} when its name does not exist in a zone, written from the
   * zone's template (see {@link NegativeAnswers}); null when the name may exist, no template is
   * known yet, or the response would not fit a UDP client ({@code udp}). Byte for byte what the
   * full path answers.
   */
  public byte[] negative(FastQuery q, boolean udp) {
    if (challenge(q)) {
      return null;
    }
    return negatives.answer(q, q.nameKey(), udp);
  }

  /**
   * Keeps {@code response}, the full path's answer to {@code q}, when it qualifies (see {@link
   * #response}).
   */
  public void keep(FastQuery q, Answer answer, byte[] response) {
    int rcode = answer.rcode();
    if (answer.fromZone()
        && !q.hasEcsOption()
        && response.length <= ZONE_RESPONSE_MAX
        && (response[2] & 0x02) == 0
        && (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || rcode == Rcode.REFUSED)) {
      String key = key(q);
      if (doorkeeper.admit(key.hashCode())) {
        zoneResponses.put(key, response);
      }
      if (rcode == Rcode.NXDOMAIN) {
        negatives.learn(q, q.nameKey(), response);
      }
    }
  }

  /** An ACME DNS-01 name: answered from the cluster, never from what is kept. */
  private static boolean challenge(FastQuery q) {
    return q.nameKey().startsWith(CHALLENGE_KEY);
  }

  private static final String CHALLENGE_KEY = "\u000f_acme-challenge";

  private static String key(FastQuery q) {
    byte[] in = q.wire();
    return q.nameKey() + (char) q.type() + (char) ((in[2] & 0x01) | (in[3] & 0x10)) + q.ednsShape();
  }
}
