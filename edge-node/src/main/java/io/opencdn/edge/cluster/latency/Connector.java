package io.opencdn.edge.cluster.latency;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Measures round-trip times to many targets at once; blocking (call it from a worker thread). */
public interface Connector {

  /**
   * One RTT sample in milliseconds per target that answered within {@code timeoutMillis}; targets
   * that did not answer are absent.
   *
   * @param source local address to send from, or null for the system's choice
   */
  Map<InetSocketAddress, Double> measure(
      List<InetSocketAddress> targets, InetAddress source, long timeoutMillis);
}
