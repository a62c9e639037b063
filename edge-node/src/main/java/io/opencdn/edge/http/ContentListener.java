package io.opencdn.edge.http;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.ConnectionsConfig;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The plain-HTTP listener of {@code listen:}: one server, then {@link Listeners#DEFAULT_INSTANCES}
 * - 1 more instances on the same socket (one per event loop), all with the same connection and
 * request handlers.
 */
public final class ContentListener {
  private static final String CACHE_IMMUTABLE_HEADERS = "vertx.cacheImmutableHttpResponseHeaders";

  private final Vertx vertx;
  private final Endpoint listen;
  private final ConnectionsConfig connections;
  private HttpServer server;
  private volatile String extraListeners;

  public ContentListener(Vertx vertx, Endpoint listen, ConnectionsConfig connections) {
    this.vertx = vertx;
    this.listen = listen;
    this.connections = connections;
  }

  /** Binds the listener and its further instances; yields the bound port. */
  public Future<Integer> start(
      Handler<HttpConnection> onConnection, Handler<HttpServerRequest> onRequest) {
    if (System.getProperty(CACHE_IMMUTABLE_HEADERS) == null) {
      // Vert.x then reuses the encoded bytes of read-only header maps, e.g. the hit path's
      // pre-built header blocks (read per connection; only read-only maps are affected)
      System.setProperty(CACHE_IMMUTABLE_HEADERS, "true");
    }
    HttpServerOptions options = Listeners.options(connections);
    server = vertx.createHttpServer(options);
    return server
        .connectionHandler(onConnection)
        .requestHandler(onRequest)
        .listen(listen.port(), listen.host())
        .compose(
            s ->
                Listeners.more(
                        vertx,
                        options,
                        Listeners.DEFAULT_INSTANCES - 1,
                        onConnection,
                        onRequest,
                        listen.host(),
                        listen.port())
                    .map(
                        id -> {
                          extraListeners = id;
                          return s.actualPort();
                        }));
  }

  /** Undeploys the further instances, then closes the first listener. */
  public Future<Void> close() {
    return (extraListeners == null
            ? Future.<Void>succeededFuture()
            : vertx.undeploy(extraListeners))
        .compose(v -> server == null ? Future.<Void>succeededFuture() : server.close());
  }
}
