package io.opencdn.edge.http;

import io.opencdn.edge.config.ConnectionsConfig;
import io.opencdn.edge.metrics.LoadMeter;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps client connections within the bounds of {@link ConnectionsConfig}, for every listener of
 * one edge: at most {@code maxConnections} open and {@code maxConnectionsPerAddress} from one IP
 * address (one more is closed as soon as it is accepted), and a deadline for each request head.
 *
 * <p>Deadlines: a connection that has no request in progress is <em>waiting</em>: since it was
 * accepted, or since its last response ended. A waiting connection is closed when no complete
 * request head has arrived {@code headerTimeoutMillis} after it was accepted, or {@code
 * keepAliveTimeoutMillis} after its last response, however slowly the bytes trickle in: a client
 * sending a byte a minute (slowloris) cannot hold it longer. While a request is served, Vert.x's
 * idle timeout ({@code idleTimeoutSeconds}) applies. For HTTP/2 a connection is waiting while none
 * of its streams has a request in progress.
 *
 * <p>Cost on the request path: a hash lookup of the connection and two field writes; no clock is
 * read and nothing is allocated beyond the response's end handler (which also counts its bytes for
 * the {@link LoadMeter}). A periodic sweep (every quarter of the shorter timeout, at most every
 * second) stamps the connections that began waiting and closes, on their own event loop, those past
 * their deadline.
 */
public final class ConnectionGuard {

  private static final long BUSY = -1;
  private static final long UNSTAMPED = 0;
  private static final AtomicLongFieldUpdater<Conn> WAITING =
      AtomicLongFieldUpdater.newUpdater(Conn.class, "waitingSince");

  private final Vertx vertx;
  private final ConnectionsConfig limits;
  private final LoadMeter load;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<HttpConnection, Conn> conns = new ConcurrentHashMap<>();
  private final LongAdder refused = new LongAdder();
  private final LongAdder timedOut = new LongAdder();
  private long timer = -1;

  /** Origin of {@link #now()}, so that it is always positive (0 and -1 are markers). */
  private final long base = System.nanoTime();

  /** One accepted connection. */
  static final class Conn {
    final HttpConnection connection;
    final Context context;
    final String address;

    /** Requests in progress; written on the connection's event loop only. */
    volatile int inFlight;

    /** Whether a request arrived yet (then the keep-alive deadline applies). */
    volatile boolean served;

    /** Millis since the connection began waiting, {@link #BUSY} or {@link #UNSTAMPED}. */
    volatile long waitingSince;

    Conn(HttpConnection connection, Context context, String address, long now) {
      this.connection = connection;
      this.context = context;
      this.address = address;
      this.waitingSince = now;
    }
  }

  public ConnectionGuard(Vertx vertx, ConnectionsConfig limits, LoadMeter load) {
    this.vertx = vertx;
    this.limits = limits;
    this.load = load;
  }

  /** Starts the periodic sweep of deadlines. */
  public void start() {
    long tick =
        Math.max(
            25,
            Math.min(
                1000, Math.min(limits.headerTimeoutMillis(), limits.keepAliveTimeoutMillis()) / 4));
    timer = vertx.setPeriodic(tick, id -> sweep());
  }

  /** Stops the sweep. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The connection handler of a listener: refuses connections over the caps, tracks the others. */
  public Handler<HttpConnection> connections() {
    return this::onConnection;
  }

  /**
   * Wraps a listener's request handler: a request in progress keeps its connection from its
   * deadline.
   */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return req -> {
      Conn c = conns.get(req.connection());
      if (c != null) {
        c.inFlight++;
        c.served = true;
        c.waitingSince = BUSY;
        req.response().endHandler(v -> ended(c, req));
      } else {
        req.response().endHandler(v -> load.responseEnded(req.response().bytesWritten()));
      }
      next.handle(req);
    };
  }

  private void ended(Conn c, HttpServerRequest req) {
    load.responseEnded(req.response().bytesWritten());
    if (--c.inFlight <= 0) {
      c.inFlight = 0;
      c.waitingSince = UNSTAMPED; // the sweep stamps it: no clock read per response
    }
  }

  private void onConnection(HttpConnection conn) {
    String address =
        conn.remoteAddress() == null || conn.remoteAddress().hostAddress() == null
            ? ""
            : conn.remoteAddress().hostAddress();
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      refuse(conn);
      return;
    }
    int fromAddress = perAddress.merge(address, 1, Integer::sum);
    if (fromAddress > limits.maxConnectionsPerAddress()) {
      release(address);
      refuse(conn);
      return;
    }
    Conn c = new Conn(conn, Vertx.currentContext(), address, now());
    conns.put(conn, c);
    load.opened();
    conn.closeHandler(
        v -> {
          if (conns.remove(conn) != null) {
            release(address);
            load.closed();
          }
        });
  }

  private void release(String address) {
    open.decrementAndGet();
    perAddress.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
  }

  private void refuse(HttpConnection conn) {
    refused.increment();
    conn.close();
  }

  /** Stamps connections that began waiting; closes those past their deadline. */
  void sweep() {
    long now = now();
    for (Conn c : conns.values()) {
      long since = c.waitingSince;
      if (since == BUSY) {
        continue;
      }
      if (since == UNSTAMPED) {
        WAITING.compareAndSet(c, UNSTAMPED, now);
        continue;
      }
      if (now - since > deadline(c)) {
        // decided again on the connection's own event loop: a request may have just arrived
        Runnable check =
            () -> {
              long s = c.waitingSince;
              if (s != BUSY
                  && s != UNSTAMPED
                  && now() - s > deadline(c)
                  && conns.containsKey(c.connection)) {
                timedOut.increment();
                c.connection.close();
              }
            };
        if (c.context != null) {
          c.context.runOnContext(v -> check.run());
        } else {
          check.run();
        }
      }
    }
  }

  private long deadline(Conn c) {
    return c.served ? limits.keepAliveTimeoutMillis() : limits.headerTimeoutMillis();
  }

  private long now() {
    return (System.nanoTime() - base) / 1_000_000L + 1;
  }

  /** Client connections open now. */
  public int openConnections() {
    return open.get();
  }

  /** Connections closed at once because a cap was reached. */
  public long refusedConnections() {
    return refused.sum();
  }

  /** Connections closed because no complete request head arrived in time. */
  public long timedOutConnections() {
    return timedOut.sum();
  }
}
