package io.opencdn.edge.admin;

import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.metrics.LogText;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The {@code /_cdn/*} endpoints. {@code GET /_cdn/health} is public (the DNS server polls it);
 * everything else needs {@code Authorization: Bearer <adminToken>} and answers 401 without it.
 *
 * <p>Every admin call but health is logged on the SLF4J logger {@code admin} when its response
 * ends: {@code <client> "<METHOD> <path>" <status>}, at INFO for actions (any method but GET and
 * HEAD), DEBUG for reads, and WARN for refused calls (401, 403), at most {@value
 * #REFUSALS_PER_SECOND} a second (the number left out is logged with the next one). No header is
 * logged, so neither the admin token nor the peer token reaches a log.
 */
public final class AdminEndpoints {

  /**
   * Refused admin calls logged per second at most: a flood of bad tokens must not flood the log.
   */
  static final int REFUSALS_PER_SECOND = 10;

  private static volatile org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("admin");

  private long refusalWindow = Long.MIN_VALUE;
  private int refusalsInWindow;
  private long refusalsLeftOut;

  /** Path prefix of the admin endpoints; it shadows the same paths of every distribution. */
  public static final String PREFIX = "/_cdn/";

  private final String id;
  private final String region;
  private final AdminToken token;
  private final EdgeMetrics metrics;
  private final ResponseCache cache;
  private final Supplier<Integer> inFlight;
  private final Supplier<String> state;
  private final java.util.List<AdminRoute> routes;

  /**
   * The endpoints of one edge.
   *
   * @param id the edge id health and stats report
   * @param region the region health reports
   * @param token the admin bearer token
   * @param metrics the counters of stats and {@code /_cdn/metrics}
   * @param cache the cache tier whose size stats report
   * @param inFlight the number of fills in progress
   * @param state the {@code state} health reports (ACTIVE, or DRAINING in a cluster)
   * @param routes endpoints of other stages, checked before the built-in ones in this order
   */
  public AdminEndpoints(
      String id,
      String region,
      AdminToken token,
      EdgeMetrics metrics,
      ResponseCache cache,
      Supplier<Integer> inFlight,
      Supplier<String> state,
      java.util.List<AdminRoute> routes) {
    this.id = id;
    this.region = region;
    this.token = token;
    this.metrics = metrics;
    this.cache = cache;
    this.inFlight = inFlight;
    this.state = state;
    this.routes = java.util.List.copyOf(routes);
  }

  /** Replaces the admin logger (tests capture the lines). */
  public static void logger(org.slf4j.Logger logger) {
    log = logger;
  }

  /** Answers one admin request. */
  public void handle(HttpServerRequest req) {
    String path = req.path();
    boolean read = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
    if (path.equals(PREFIX + "health") && read) {
      json(
          req, 200, new JsonObject().put("id", id).put("region", region).put("state", state.get()));
      return;
    }
    req.response().bodyEndHandler(v -> logCall(req, read));
    for (AdminRoute r : routes) {
      if (path.startsWith(r.prefix())
          && (!r.needsToken() || token.accepts(req.getHeader("Authorization")))) {
        r.handler().handle(req);
        return;
      }
    }
    if (!token.accepts(req.getHeader("Authorization"))) {
      req.response()
          .setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"opencdn\"")
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("401 Unauthorized: Bearer token required\n");
      return;
    }
    if (path.equals(PREFIX + "stats") && read) {
      json(req, 200, stats());
    } else if (path.equals(PREFIX + "metrics") && read) {
      req.response()
          .setStatusCode(200)
          .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(metrics.scrape());
    } else {
      req.response()
          .setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("404 Not Found\n");
    }
  }

  /** Logs one admin call once its response has ended (see the class comment). */
  private void logCall(HttpServerRequest req, boolean read) {
    org.slf4j.Logger logger = log;
    int status = req.response().getStatusCode();
    String client = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
    String call = LogText.escape(req.method().name()) + " " + LogText.escape(req.path());
    if (status == 401 || status == 403) {
      long leftOut = refusalLogged();
      if (leftOut >= 0) {
        logger.warn(
            "admin call refused: {} \"{}\" {}{}",
            client,
            call,
            status,
            leftOut == 0 ? "" : " (" + leftOut + " more refused calls not logged)");
      }
    } else if (!read) {
      logger.info("admin: {} \"{}\" {}", client, call, status);
    } else if (logger.isDebugEnabled()) {
      logger.debug("admin: {} \"{}\" {}", client, call, status);
    }
  }

  /**
   * Counts one refused call: -1 when it is not to be logged (over the rate), else how many were
   * left out before it.
   */
  private synchronized long refusalLogged() {
    long second = System.nanoTime() / 1_000_000_000L;
    if (second != refusalWindow) {
      refusalWindow = second;
      refusalsInWindow = 0;
    }
    if (++refusalsInWindow > REFUSALS_PER_SECOND) {
      refusalsLeftOut++;
      return -1;
    }
    long n = refusalsLeftOut;
    refusalsLeftOut = 0;
    return n;
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
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }
}
