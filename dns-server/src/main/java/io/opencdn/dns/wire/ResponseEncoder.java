package io.opencdn.dns.wire;

import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * Last stage: adds the OPT record (with the echoed Client Subnet option and the DO bit copied) when
 * the query had one and serialises. Over UDP the message is cut to the client's limit; dnsjava
 * drops whole RRsets that do not fit and sets TC (RFC 2181 9, RFC 1035 4.2.1) while keeping the OPT
 * record. TCP responses are never truncated.
 */
public final class ResponseEncoder {

  private static final int TCP_LIMIT = 65_535;

  private ResponseEncoder() {}

  /**
   * Encodes {@code response} to {@code request}.
   *
   * @param rcode the full rcode (already set in the header when it fits 4 bits)
   * @param scope ECS scope prefix length: 0 when the answer does not depend on the client's network
   */
  public static byte[] encode(Message response, Request request, int rcode, int scope) {
    if (request.edns()) {
      response.addRecord(
          request.subnet() == null
              ? Edns.responseOpt(rcode, request.dnssecOk())
              : Edns.responseOpt(rcode, request.dnssecOk(), request.subnet().echo(scope)),
          Section.ADDITIONAL);
    }
    return encode(response, request.transport(), request.udpLimit());
  }

  /** Serialises a complete response for {@code transport}. */
  public static byte[] encode(Message response, Transport transport, int udpLimit) {
    return transport == Transport.UDP ? response.toWire(udpLimit) : response.toWire(TCP_LIMIT);
  }
}
