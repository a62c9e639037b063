package io.opencdn.edge.http;

import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.ResponseCache;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The {@code /_cdn/*} endpoints. {@code GET /_cdn/health} is public (the DNS server polls it);
 * everything else needs {@code Authorization: Bearer <adminToken>} and answers 401 without it.
 */
public final class AdminHandler {

  /** Path prefix of the admin endpoints; it shadows the same paths of every distribution. */
  public static final String PREFIX = "/_cdn/";

  private final String id;
  private final String region;
  private final AdminToken token;
  private final EdgeMetrics metrics;
  private final ResponseCache cache;
  private final Supplier<Integer> inFlight;
  private final java.util.List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Supplier<String> state = () -> "ACTIVE";

  /** An endpoint added by another stage (e.g. the cluster's drain, invalidation and peer endpoints). */
  private record Route(String prefix, boolean needsToken, io.vertx.core.Handler<HttpServerRequest> handler) {}

  public AdminHandler(String id, String region, AdminToken token, EdgeMetrics metrics, ResponseCache cache,
      Supplier<Integer> inFlight) {
    this.id = id;
    this.region = region;
    this.token = token;
    this.metrics = metrics;
    this.cache = cache;
    this.inFlight = inFlight;
  }

  /**
   * Adds endpoints under {@code prefix} (e.g. {@code /_cdn/invalidations}), checked before the
   * built-in ones; with {@code needsToken} the admin token is required first, without it the
   * handler authenticates by itself (the peer endpoint uses the cluster's peer token).
   */
  public void route(String prefix, boolean needsToken, io.vertx.core.Handler<HttpServerRequest> handler) {
    routes.add(new Route(prefix, needsToken, handler));
  }

  /** Where {@code /_cdn/health} takes its {@code state} from (ACTIVE or DRAINING). */
  public void state(Supplier<String> source) {
    this.state = source;
  }

  /** Answers one admin request. */
  public void handle(HttpServerRequest req) {
    String path = req.path();
    boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    if (path.equals(PREFIX + "health") && read) {
      json(req, 200, new JsonObject().put("id", id).put("region", region).put("state", state.get()));
      return;
    }
    for (Route r : routes) {
      if (path.startsWith(r.prefix()) && (!r.needsToken() || token.accepts(req.getHeader("Authorization")))) {
        r.handler().handle(req);
        return;
      }
    }
    if (!token.accepts(req.getHeader("Authorization"))) {
      req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"opencdn\"")
          .putHeader("Content-Type", "text/plain; charset=utf-8").end("401 Unauthorized: Bearer token required\n");
      return;
    }
    if (path.equals(PREFIX + "stats") && read) {
      json(req, 200, stats());
    } else if (path.equals(PREFIX + "metrics") && read) {
      req.response().setStatusCode(200).putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .putHeader("Cache-Control", "no-store").end(metrics.scrape());
    } else {
      req.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8").end("404 Not Found\n");
    }
  }

  /** The counters served by {@code /_cdn/stats}. */
  public JsonObject stats() {
    CacheStats c = cache.stats();
    return new JsonObject()
        .put("id", id)
        .put("requests", metrics.requests())
        .put("hits", metrics.hits())
        .put("misses", metrics.misses())
        .put("passes", metrics.passes())
        .put("collapsed", metrics.collapsed())
        .put("originRequests", metrics.originRequests())
        .put("errors", metrics.errors())
        .put("refreshHits", metrics.refreshHits())
        .put("staleServed", metrics.staleServed())
        .put("misdirected", metrics.misdirected())
        .put("inFlight", inFlight.get())
        .put("entries", c.entries())
        .put("bytes", c.bytes())
        .put("budgetBytes", c.budgetBytes())
        .put("evictions", c.evictions());
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
