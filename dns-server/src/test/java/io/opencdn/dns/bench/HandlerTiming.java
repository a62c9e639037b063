package io.opencdn.dns.bench;

import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.wire.Transport;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * The measuring loop of the micro loops ({@link HotPathLoop}, {@link SignedHotPathLoop}): every
 * query of an array through a {@link QueryHandler} on this thread, one at a time or in bursts, and
 * the mean time and bytes allocated per query (the thread's own allocation counter).
 */
final class HandlerTiming {

  /** Microseconds and bytes allocated per query. */
  record PerQuery(double micros, long bytes) {}

  private HandlerTiming() {}

  /** Each query through {@link QueryHandler#handle}, from {@code src} over UDP. */
  static PerQuery oneByOne(QueryHandler handler, byte[][] queries, InetAddress src) {
    Counter c = new Counter();
    long sink = 0;
    for (byte[] q : queries) {
      sink += handler.handle(q, src, Transport.UDP).length;
    }
    return c.perQuery(sink, queries.length);
  }

  /**
   * The queries through {@link QueryHandler#handleAll} in bursts of {@code size} (as the UDP
   * listener hands them over), all from {@code src}.
   */
  static PerQuery inBursts(QueryHandler handler, byte[][] queries, InetAddress src, int size) {
    InetAddress[] sources = new InetAddress[size];
    Arrays.fill(sources, src);
    byte[][] in = new byte[size][];
    byte[][] out = new byte[size][];
    Counter c = new Counter();
    long sink = 0;
    for (int i = 0; i + size <= queries.length; i += size) {
      System.arraycopy(queries, i, in, 0, size);
      handler.handleAll(in, sources, size, Transport.UDP, out);
      for (byte[] r : out) {
        sink += r.length;
      }
    }
    return c.perQuery(sink, queries.length);
  }

  /** This thread's clock and allocation counter from its creation on. */
  private static final class Counter {
    private final com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final long tid = Thread.currentThread().getId();
    private final long a0 = mx.getThreadAllocatedBytes(tid);
    private final long t0 = System.nanoTime();

    PerQuery perQuery(long sink, int queries) {
      long t1 = System.nanoTime();
      long a1 = mx.getThreadAllocatedBytes(tid);
      if (sink == 0) {
        throw new IllegalStateException("no answers");
      }
      return new PerQuery((t1 - t0) / 1e3 / queries, (a1 - a0) / queries);
    }
  }
}
