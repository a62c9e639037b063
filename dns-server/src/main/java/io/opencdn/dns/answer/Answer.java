package io.opencdn.dns.answer;

import java.util.List;
import org.xbill.DNS.Message;

/**
 * A response ready for encoding.
 *
 * @param message the response (header rcode holds the low 4 bits of {@code rcode})
 * @param rcode the full rcode
 * @param scope ECS scope prefix length (RFC 7871 7.2.1): 0 when the answer is the same for every
 *     client, else the length of the network the answer was tailored to
 * @param edges ids of the edges a geo-routed answer lists (empty for zone data), for metrics
 * @param fromZone true when the answer comes from zone data alone, the same for every client and at
 *     every moment until the zones change (never for a geo-routed name)
 */
public record Answer(Message message, int rcode, int scope, List<String> edges, boolean fromZone) {

  /** An answer from zone data, naming no edge. */
  public Answer(Message message, int rcode, int scope) {
    this(message, rcode, scope, List.of(), true);
  }

  /** An answer of a geo-routed name naming {@code edges}. */
  public Answer(Message message, int rcode, int scope, List<String> edges) {
    this(message, rcode, scope, edges, false);
  }

  /**
   * An answer of a geo-routed name that names no edge (NODATA, SERVFAIL): it depends on the edges.
   */
  static Answer routedWithoutEdges(Message message, int rcode, int scope) {
    return new Answer(message, rcode, scope, List.of(), false);
  }
}
