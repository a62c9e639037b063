package io.opencdn.dns.wire;

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

  /**
   * Answers the queries that arrived together ({@code queries[0..n)} from {@code sources[0..n)}),
   * putting each response (or null) in {@code responses[i]}: what {@link #handle} gives for each,
   * in order. Implementations may prepare the burst as a whole first; this one answers them one by
   * one.
   */
  default void handleAll(
      byte[][] queries, InetAddress[] sources, int n, Transport transport, byte[][] responses) {
    for (int i = 0; i < n; i++) {
      responses[i] = handle(queries[i], sources[i], transport);
    }
  }
}
