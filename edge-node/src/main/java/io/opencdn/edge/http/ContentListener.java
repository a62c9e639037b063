package io.opencdn.edge.http;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.ConnectionsConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The plain-HTTP listener of {@code listen:}: {@link Listeners#DEFAULT_INSTANCES} servers on the
 * same socket, one per event loop, all with the same connection and request handlers.
 */
public final class ContentListener {
  private static final String CACHE_IMMUTABLE_HEADERS = "vertx.cacheImmutableHttpResponseHeaders";

  private final Vertx vertx;
  private final Endpoint listen;
  private final ConnectionsConfig connections;
  private volatile String deployment;
  private volatile int port = -1;

  public ContentListener(Vertx vertx, Endpoint listen, ConnectionsConfig connections) {
    this.vertx = vertx;
    this.listen = listen;
    this.connections = connections;
  }

  /**
   * Binds {@link Listeners#DEFAULT_INSTANCES} instances of the listener, each a verticle of its own
   * (its own event loop); yields the bound port.
   *
   * <p>No instance runs on the caller's context: with a cluster, the edge starts its listeners from
   * a callback of the cluster's configuration plane, on one event loop, and a first server created
   * there, plus instances deployed later, put all connections on that one loop when the deployed
   * instances' loops came round to it (seen: one event loop of four busy under load, the edge held
   * to one core).
   */
  public Future<Integer> start(
      Handler<HttpConnection> onConnection, Handler<HttpServerRequest> onRequest) {
    if (System.getProperty(CACHE_IMMUTABLE_HEADERS) == null) {
      // Vert.x then reuses the encoded bytes of read-only header maps, e.g. the hit path's
      // pre-built header blocks (read per connection; only read-only maps are affected)
      System.setProperty(CACHE_IMMUTABLE_HEADERS, "true");
    }
    HttpServerOptions options = Listeners.options(connections);
    return Listeners.deploy(
            vertx,
            options,
            Listeners.DEFAULT_INSTANCES,
            onConnection,
            onRequest,
            listen.host(),
            listen.port(),
            bound -> port = bound)
        .map(
            id -> {
              deployment = id;
              return port;
            });
  }

  /** Undeploys the instances (closing their servers). */
  public Future<Void> close() {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }
}
