package io.opencdn.edge.cluster;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what the registry reports as load: open client connections and response bytes written.
 * Give it to the listeners' {@link io.opencdn.edge.http.ConnectionGuard} as its listener, or
 * install {@link #connections()} as a server's connection handler and wrap the request handler
 * with {@link #counting}.
 */
public final class LoadMeter implements io.opencdn.edge.http.ConnectionGuard.Listener {

  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder bytes = new LongAdder();

  /** A connection handler counting open connections. */
  public Handler<HttpConnection> connections() {
    return conn -> {
      open.incrementAndGet();
      conn.closeHandler(v -> open.decrementAndGet());
    };
  }

  /** Wraps {@code next} so that each response's bytes are counted when it ends. */
  public Handler<HttpServerRequest> counting(Handler<HttpServerRequest> next) {
    return req -> {
      req.response().endHandler(v -> bytes.add(req.response().bytesWritten()));
      next.handle(req);
    };
  }

  @Override
  public void opened() {
    open.incrementAndGet();
  }

  @Override
  public void closed() {
    open.decrementAndGet();
  }

  @Override
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
