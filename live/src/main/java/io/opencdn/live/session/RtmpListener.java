package io.opencdn.live.session;

import io.opencdn.live.config.LiveConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTMP listener on {@code live.rtmp}: one TCP server per core on the same address (Vert.x
 * shares the socket and spreads connections over their event loops; one server only on port 0),
 * each connection an {@link RtmpConnection}. Connections beyond {@code maxConnections} are closed
 * at once.
 */
public final class RtmpListener {

  private static final Logger LOG = LoggerFactory.getLogger(RtmpListener.class);

  private final Vertx vertx;
  private final LiveConfig config;
  private final SessionHandler handler;
  private final Clock clock;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private NetServer first;
  private String more;

  public RtmpListener(Vertx vertx, LiveConfig config, SessionHandler handler, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.handler = handler;
    this.clock = clock;
  }

  /** Binds the listener; yields the bound port. */
  public Future<Integer> start() {
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true);
    String host = config.rtmp().host();
    int port = config.rtmp().port();
    first = vertx.createNetServer(options).connectHandler(this::accept);
    // port 0 (tests): one instance; Vert.x does not share a port-0 socket reliably between
    // instances
    int instances = port == 0 ? 0 : Math.max(1, Runtime.getRuntime().availableProcessors()) - 1;
    return first
        .listen(port, host)
        .compose(
            s -> {
              if (instances <= 0) {
                return Future.succeededFuture(s.actualPort());
              }
              return vertx
                  .deployVerticle(
                      () ->
                          new VerticleBase() {
                            @Override
                            public Future<?> start() {
                              return vertx
                                  .createNetServer(options)
                                  .connectHandler(RtmpListener.this::accept)
                                  .listen(port, host);
                            }
                          },
                      new DeploymentOptions().setInstances(instances))
                  .map(
                      id -> {
                        more = id;
                        return s.actualPort();
                      });
            });
  }

  /**
   * Closes the listeners (open connections are closed with the Vert.x instance or by their peers).
   */
  public Future<Void> stop() {
    Future<Void> extra = more == null ? Future.succeededFuture() : vertx.undeploy(more);
    return extra.compose(v -> first == null ? Future.succeededFuture() : first.close());
  }

  private void accept(NetSocket socket) {
    if (open.incrementAndGet() > config.maxConnections()) {
      open.decrementAndGet();
      refused.increment();
      LOG.warn(
          "rtmp {}: refused, {} connections open (maxConnections)",
          socket.remoteAddress(),
          config.maxConnections());
      socket.close();
      return;
    }
    accepted.increment();
    new RtmpConnection(vertx, socket, config, handler, clock, open::decrementAndGet).start();
  }

  /** RTMP connections open now. */
  public int openConnections() {
    return open.get();
  }

  /** Connections refused so far (maxConnections). */
  public long refusedConnections() {
    return refused.sum();
  }

  /** Connections accepted so far. */
  public long acceptedConnections() {
    return accepted.sum();
  }
}
