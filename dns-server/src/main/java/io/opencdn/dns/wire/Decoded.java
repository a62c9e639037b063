package io.opencdn.dns.wire;

import org.xbill.DNS.Message;

/** Outcome of decoding one message: a query to answer, an immediate reply, or nothing. */
public sealed interface Decoded {

  /** A valid query for the answer stage. */
  record Query(Request request) implements Decoded {}

  /**
   * An error response decided while decoding (FORMERR, NOTIMP, REFUSED, BADVERS), OPT included when
   * due.
   */
  record Reply(Message response, int udpLimit) implements Decoded {}

  /** Nothing is sent: not a DNS query, or too short to carry a message ID. */
  record Drop(String reason) implements Decoded {}
}
