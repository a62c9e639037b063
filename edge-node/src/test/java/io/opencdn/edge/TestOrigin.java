package io.opencdn.edge;

import io.opencdn.testing.Await;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A tiny Vert.x origin for tests: routes by path, counts requests, remembers the last headers. */
public final class TestOrigin {

  private final Map<String, Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile MultiMap lastHeaders;
  private volatile String lastMethod;
  private final HttpServer server;
  private final int port;

  public TestOrigin(Vertx vertx) {
    this(vertx, 0);
  }

  /**
   * An origin on 127.0.0.1:{@code port} (0: any free port), e.g. to restart a stopped origin on its
   * port.
   */
  public TestOrigin(Vertx vertx, int listenPort) {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  counts.computeIfAbsent(req.path(), k -> new AtomicInteger()).incrementAndGet();
                  lastHeaders = MultiMap.caseInsensitiveMultiMap().addAll(req.headers());
                  lastMethod = req.method().name();
                  Handler<HttpServerRequest> h = routes.get(req.path());
                  if (h == null) {
                    req.response().setStatusCode(404).end("no route");
                  } else {
                    h.handle(req);
                  }
                });
    port = Await.await(server.listen(listenPort, "127.0.0.1")).actualPort();
  }

  /** Routes {@code path} to {@code handler}. */
  public TestOrigin route(String path, Handler<HttpServerRequest> handler) {
    routes.put(path, handler);
    return this;
  }

  /** A route answering 200 with {@code body} and the given header pairs. */
  public TestOrigin content(String path, String body, String... headerPairs) {
    return route(
        path,
        req -> {
          for (int i = 0; i < headerPairs.length; i += 2) {
            req.response().headers().add(headerPairs[i], headerPairs[i + 1]);
          }
          req.response().end(body);
        });
  }

  public int count(String path) {
    AtomicInteger c = counts.get(path);
    return c == null ? 0 : c.get();
  }

  public MultiMap lastHeaders() {
    return lastHeaders;
  }

  public String lastMethod() {
    return lastMethod;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public void close() {
    Await.await(server.close());
  }
}
