package io.opencdn.dns.net;

import io.opencdn.dns.wire.DnsHandler;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagrams of one UDP read burst and their responses, answered together by {@link
 * DnsHandler#handleAll}. Every failure stays with its packet: when the burst as a whole throws
 * (nothing is sent yet), each query is answered on its own. One instance per socket thread; not
 * thread-safe.
 */
final class Burst {

  private static final Logger LOG = LoggerFactory.getLogger(Burst.class);

  final byte[][] queries;
  final InetAddress[] sources;
  final byte[][] responses;
  int size;

  Burst(int capacity) {
    queries = new byte[capacity][];
    sources = new InetAddress[capacity];
    responses = new byte[capacity][];
  }

  boolean full() {
    return size == queries.length;
  }

  void add(byte[] query, InetAddress source) {
    queries[size] = query;
    sources[size] = source;
    size++;
  }

  /** Fills {@link #responses}{@code [0..size)}; a null response is sent nothing. */
  void answer(DnsHandler handler) {
    int n = size;
    try {
      handler.handleAll(queries, sources, n, Transport.UDP, responses);
    } catch (RuntimeException | StackOverflowError e) {
      for (int i = 0; i < n; i++) {
        try {
          responses[i] = handler.handle(queries[i], sources[i], Transport.UDP);
        } catch (RuntimeException | StackOverflowError one) {
          LOG.warn("dropped a udp packet from {}: {}", sources[i], one.toString());
          responses[i] = null;
        }
      }
    }
  }

  /** Forgets the burst (references included, so nothing is kept alive by the arrays). */
  void clear() {
    int n = size;
    Arrays.fill(queries, 0, n, null);
    Arrays.fill(sources, 0, n, null);
    Arrays.fill(responses, 0, n, null);
    size = 0;
  }
}
