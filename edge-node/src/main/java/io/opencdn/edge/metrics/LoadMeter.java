package io.opencdn.edge.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the cluster registry reports as this edge's load: open client connections and
 * response bytes written. The listeners' connection guard ({@code http.ConnectionGuard}) updates
 * it; the registry reads it with each heartbeat.
 */
public final class LoadMeter {

  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder bytes = new LongAdder();

  /** A client connection was accepted. */
  public void opened() {
    open.incrementAndGet();
  }

  /** An accepted client connection closed. */
  public void closed() {
    open.decrementAndGet();
  }

  /** A response ended after writing {@code written} bytes. */
  public void responseEnded(long written) {
    bytes.add(written);
  }

  /** Client connections open now. */
  public int openConnections() {
    return open.get();
  }

  /** Response bytes written so far (monotonic). */
  public long bytesWritten() {
    return bytes.sum();
  }
}
