package io.opencdn.edge.cluster.latency;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RTT by TCP connect (the handshake of RFC 9293 3.5): non-blocking {@link SocketChannel}s started
 * together and watched by one {@link Selector}; the sample is the time from {@code connect()} to
 * the answer, a SYN-ACK (connected; closed at once with RST by SO_LINGER 0) or a RST (connection
 * refused: the host answered, which is as good a round trip). Unreachable hosts, ICMP errors and
 * timeouts give no sample. A call takes at most {@code timeoutMillis}.
 */
public final class TcpConnectConnector implements Connector {

  private static final Logger LOG = LoggerFactory.getLogger(TcpConnectConnector.class);

  private record Pending(InetSocketAddress target, long startNanos) {}

  @Override
  public Map<InetSocketAddress, Double> measure(
      List<InetSocketAddress> targets, InetAddress source, long timeoutMillis) {
    Map<InetSocketAddress, Double> out = new HashMap<>();
    try (Selector selector = Selector.open()) {
      for (InetSocketAddress t : targets) {
        open(selector, t, source, out);
      }
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      int open = selector.keys().size(); // cancelled keys leave the key set only at the next select
      while (open > 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
          break;
        }
        selector.select(left);
        long now = System.nanoTime();
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
          SelectionKey key = it.next();
          it.remove();
          finish(key, now, out);
          open--;
        }
      }
      for (SelectionKey key : selector.keys()) {
        close((SocketChannel) key.channel()); // timed out: no sample
      }
    } catch (IOException e) {
      LOG.warn("latency probes failed: {}", e.toString());
    }
    return out;
  }

  private static void open(
      Selector selector,
      InetSocketAddress target,
      InetAddress source,
      Map<InetSocketAddress, Double> out) {
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
      if (source != null) {
        ch.bind(new InetSocketAddress(source, 0));
      }
      long start = System.nanoTime();
      if (ch.connect(target)) {
        out.put(target, (System.nanoTime() - start) / 1e6);
        close(ch);
      } else {
        ch.register(selector, SelectionKey.OP_CONNECT, new Pending(target, start));
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("probe to {} not sent: {}", target, e.toString());
      close(ch);
    }
  }

  private static void finish(SelectionKey key, long now, Map<InetSocketAddress, Double> out) {
    SocketChannel ch = (SocketChannel) key.channel();
    Pending p = (Pending) key.attachment();
    try {
      ch.finishConnect();
      out.put(p.target(), (now - p.startNanos()) / 1e6);
    } catch (ConnectException e) {
      if (String.valueOf(e.getMessage()).contains("refused")) {
        out.put(p.target(), (now - p.startNanos()) / 1e6); // RST: one round trip
      }
    } catch (IOException e) {
      LOG.debug("probe to {} failed: {}", p.target(), e.toString());
    } finally {
      key.cancel();
      close(ch);
    }
  }

  private static void close(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // nothing to do
      }
    }
  }
}
