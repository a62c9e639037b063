package io.opencdn.edge.http;

import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.config.AdminConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener of {@code admin:}: {@code /_cdn/*} only (404 for anything else), one instance;
 * the content listeners keep only health and the peer endpoint.
 */
public final class AdminListener {
  private static final Logger LOG = LoggerFactory.getLogger(AdminListener.class);

  private final Vertx vertx;
  private final String edgeId;
  private final AdminConfig config;
  private final AdminEndpoints admin;
  private HttpServer server;
  private volatile int port = -1;

  public AdminListener(Vertx vertx, String edgeId, AdminConfig config, AdminEndpoints admin) {
    this.vertx = vertx;
    this.edgeId = edgeId;
    this.config = config;
    this.admin = admin;
  }

  /** Binds {@code admin.listen}. */
  public Future<Void> start() {
    server = vertx.createHttpServer(Listeners.options());
    return server
        .requestHandler(
            req -> {
              if (req.path() != null && req.path().startsWith(AdminEndpoints.PREFIX)) {
                admin.handle(req);
              } else {
                req.response()
                    .setStatusCode(404)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("404 Not Found: this listener serves /_cdn/* only\n");
              }
            })
        .listen(config.listen().port(), config.listen().host())
        .map(
            s -> {
              port = s.actualPort();
              LOG.info(
                  "edge {} admin endpoints on http://{}:{}/_cdn/",
                  edgeId,
                  config.listen().host(),
                  port);
              return null;
            });
  }

  /** The bound port, -1 before {@link #start()}. */
  public int port() {
    return port;
  }

  /** Closes the listener (nothing to do before {@link #start()}). */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
