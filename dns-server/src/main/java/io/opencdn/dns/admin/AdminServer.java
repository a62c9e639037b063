package io.opencdn.dns.admin;

import io.opencdn.common.config.AdminToken;
import io.opencdn.dns.config.AdminConfig;
import io.opencdn.dns.explain.LiveExplainer;
import io.opencdn.dns.metrics.DnsMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener of the DNS server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text exposition of {@link DnsMetrics},
 *       <b>unauthenticated</b> (read-only counters, no secrets; scrapers need no credentials; keep
 *       the listener on a private address);
 *   <li>{@code POST /reload}: hot reload ({@link Reloader}), needs {@code Authorization: Bearer
 *       <token>}; 200 with a summary, 409 with the reason when the new files are refused (the old
 *       state keeps serving);
 *   <li>{@code GET /healthz}: 200 "ok" once the server is ready; 503 "not ready: joining the
 *       cluster" while its cluster member has not joined yet (static zones are answered meanwhile);
 *   <li>{@code GET /route?client=IP[&name=NAME][&prefix=N]}: why that client gets the edges it gets
 *       now ({@link LiveExplainer}: location, candidates with live health and load, each policy's
 *       step, the answer), as text; needs the bearer token (it shows the edges' state); 400 with
 *       the reason for a bad address, name or prefix.
 * </ul>
 */
public final class AdminServer {

  private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

  /** Admin calls: {@code POST /reload} at INFO, refused calls at WARN (at most 10 a second). */
  private static volatile Logger audit = LoggerFactory.getLogger("admin");

  private long refusalSecond = Long.MIN_VALUE;
  private int refusalsInSecond;
  private long refusalsLeftOut;

  private final Vertx vertx;
  private final Clock clock;
  private final AdminConfig config;
  private final AdminToken token;
  private final DnsMetrics metrics;
  private final Reloader reloader;
  private final LiveExplainer explainer;
  private HttpServer server;
  private volatile java.util.function.Supplier<String> notReady = () -> null;

  /**
   * @param explainer answers {@code GET /route}
   * @param clock times the log limit of refused calls
   */
  public AdminServer(
      Vertx vertx,
      AdminConfig config,
      DnsMetrics metrics,
      Reloader reloader,
      LiveExplainer explainer,
      Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    this.config = config;
    this.token = AdminToken.of(config.token());
    this.metrics = metrics;
    this.reloader = reloader;
    this.explainer = explainer;
    if (config.token().isEmpty()) {
      LOG.info("dns admin token (generated, none configured): {}", token.value());
    }
  }

  /** Where {@code /healthz} learns readiness: null when ready, else what the server waits for. */
  public void readiness(java.util.function.Supplier<String> notReadyBecause) {
    this.notReady = notReadyBecause;
  }

  /** Binds and completes with the bound port. */
  public Future<Integer> start() {
    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(config.listen().host())
                .setPort(config.listen().port()));
    server.requestHandler(this::handle);
    return server.listen().map(HttpServer::actualPort);
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/metrics") && req.method() == HttpMethod.GET) {
      String text;
      try {
        text = metrics.scrape();
      } catch (RuntimeException e) {
        // a broken meter must not leave the scraper waiting on an unanswered request
        LOG.warn("metrics scrape failed: {}", e.toString());
        req.response().setStatusCode(500).end("metrics scrape failed: " + e + "\n");
        return;
      }
      req.response()
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(text);
    } else if (path.equals("/healthz") && req.method() == HttpMethod.GET) {
      String why = notReady.get();
      req.response()
          .setStatusCode(why == null ? 200 : 503)
          .end(why == null ? "ok\n" : "not ready: " + why + "\n");
    } else if (path.equals("/route")) {
      if (req.method() != HttpMethod.GET) {
        req.response().setStatusCode(405).putHeader("Allow", "GET").end();
      } else if (!token.accepts(req.getHeader("Authorization"))) {
        refused(req);
        req.response()
            .setStatusCode(401)
            .putHeader("WWW-Authenticate", "Bearer")
            .end("missing or wrong bearer token\n");
      } else {
        route(req);
      }
    } else if (path.equals("/reload")) {
      if (req.method() != HttpMethod.POST) {
        req.response().setStatusCode(405).putHeader("Allow", "POST").end();
      } else if (!token.accepts(req.getHeader("Authorization"))) {
        refused(req);
        req.response()
            .setStatusCode(401)
            .putHeader("WWW-Authenticate", "Bearer")
            .end("missing or wrong bearer token\n");
      } else {
        reloader
            .reload()
            .onComplete(
                r -> {
                  audit.info(
                      "admin: {} \"POST /reload\" {}", client(req), r.succeeded() ? 200 : 409);
                  req.response()
                      .setStatusCode(r.succeeded() ? 200 : 409)
                      .end(
                          (r.succeeded() ? r.result() : "refused: " + r.cause().getMessage())
                              + "\n");
                });
      }
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void route(HttpServerRequest req) {
    String text;
    try {
      String prefix = req.getParam("prefix");
      text =
          explainer.explain(
              req.getParam("client"),
              req.getParam("name"),
              prefix == null ? null : parsePrefix(prefix));
    } catch (IllegalArgumentException e) {
      req.response().setStatusCode(400).end("bad request: " + e.getMessage() + "\n");
      return;
    }
    req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }

  private static int parsePrefix(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("prefix: expected a number of bits, got '" + text + "'");
    }
  }

  /** Replaces the admin logger (tests capture the lines). */
  static void auditLogger(Logger logger) {
    audit = logger;
  }

  private static String client(HttpServerRequest req) {
    return req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
  }

  /**
   * Logs a refused call, at most 10 a second (a flood of bad tokens must not flood the log); never
   * the token.
   */
  private synchronized void refused(HttpServerRequest req) {
    long second = clock.millis() / 1000;
    if (second != refusalSecond) {
      refusalSecond = second;
      refusalsInSecond = 0;
    }
    if (++refusalsInSecond > 10) {
      refusalsLeftOut++;
      return;
    }
    audit.warn(
        "admin call refused: {} \"{} {}\" 401{}",
        client(req),
        req.method().name(),
        req.path(),
        refusalsLeftOut == 0 ? "" : " (" + refusalsLeftOut + " more refused calls not logged)");
    refusalsLeftOut = 0;
  }

  /** The token guarding mutating calls. */
  public AdminToken token() {
    return token;
  }

  /** Stops listening. */
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
