package io.opencdn.dns.net;

import java.net.InetAddress;

/**
 * What the listeners hand each DNS message to. Implementations are pure, non-blocking and
 * thread-safe: they run on event-loop threads.
 */
@FunctionalInterface
public interface DnsHandler {

  /**
   * Answers one query.
   *
   * @param query the message as received (without the TCP length prefix)
   * @param source address of the client (a resolver, usually)
   * @param transport what it arrived on
   * @return the response in wire format, or null to send nothing
   */
  byte[] handle(byte[] query, InetAddress source, Transport transport);
}
