package io.opencdn.edge.http;

import io.opencdn.edge.admin.AdminEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * What an edge's HTTP address answers while the edge is still joining its cluster: every request
 * gets 503 with {@code Retry-After}, and {@code GET /_cdn/health} says why, e.g. {@code
 * {"id":"eu-west","region":"eu-west","state":"JOINING","detail":"joining cluster demo for 12 s
 * (attempt 1)"}}. The DNS server's health checks take any answer but 2xx as "not serving", and so
 * do the launcher and load balancers. Once the edge has joined, this listener is closed and the
 * edge's own listeners bind the address.
 */
public final class JoiningListener {

  /** The {@code state} of the health answer while joining. */
  public static final String STATE = "JOINING";

  private final HttpServer server;

  private JoiningListener(HttpServer server) {
    this.server = server;
  }

  /**
   * Binds {@code host:port} and answers 503 until {@link #close()}.
   *
   * @param detail what the edge is waiting for (asked on every health request)
   */
  public static Future<JoiningListener> start(
      Vertx vertx, String id, String region, String host, int port, Supplier<String> detail) {
    HttpServer server = vertx.createHttpServer(Listeners.options());
    server.requestHandler(req -> answer(req, id, region, detail));
    return server.listen(port, host).map(s -> new JoiningListener(s));
  }

  private static void answer(
      HttpServerRequest req, String id, String region, Supplier<String> detail) {
    boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    req.response()
        .setStatusCode(503)
        .putHeader("Retry-After", "5")
        .putHeader("Cache-Control", "no-store");
    if (read && req.path().equals(AdminEndpoints.PREFIX + "health")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end(
              new JsonObject()
                  .put("id", id)
                  .put("region", region)
                  .put("state", STATE)
                  .put("detail", detail.get())
                  .encode());
    } else {
      req.response()
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("503 Service Unavailable: edge " + id + " is starting (" + detail.get() + ")\n");
    }
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening, so that the edge's own listeners can bind the address. */
  public Future<Void> close() {
    return server.close();
  }
}
