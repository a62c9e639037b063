package io.opencdn.edge.http;

import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.FillerChain;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.fill.SingleFlight;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * Entry of the request flow: {@code /_cdn/*} goes to the {@link AdminEndpoints} (with an admin
 * listener of its own, only health and the peer endpoint here: {@link #adminElsewhere}); every other request
 * is matched to a {@link Distribution} by Host (none: 421 Misdirected Request, RFC 9110 15.5.20,
 * never proxied), then the target is reduced to normalised origin-form ({@link RequestTarget}; 400
 * when it cannot be), then GET and HEAD go through the cache and other methods are relayed.
 */
public final class EdgeHandler implements Handler<HttpServerRequest> {

  private final Distributions distributions;
  private final AdminEndpoints admin;
  private final CachingProxy caching;
  private final PassProxy pass;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private volatile boolean adminElsewhere;

  /** The HTTP stage with the origin as the only filler and default cache settings. */
  public EdgeHandler(String edgeId, String region, Distributions distributions, AdminToken token, ResponseCache cache,
      OriginClient origin, Clock clock, long maxObjectBytes, EdgeMetrics metrics) {
    this(edgeId, region, distributions, token, cache, new FillerChain(origin), origin, clock,
        CacheSettings.defaults(maxObjectBytes), metrics, new SingleFlight<>());
  }

  /**
   * Wires the HTTP stage.
   *
   * @param edgeId id used in Via, X-Cache and health
   * @param region region reported by health and X-Edge-Location
   * @param distributions sites served
   * @param token bearer token of the admin endpoints
   * @param cache the cache tier
   * @param fillers where cache fills come from (peer fillers before the origin)
   * @param origin client for relayed (uncached) requests
   * @param clock clock of the age and freshness calculations
   * @param settings object size limit, stale windows, heuristic cap
   * @param metrics counters to update
   * @param flights the fills in progress, one per key (shared with the cluster stage)
   */
  public EdgeHandler(String edgeId, String region, Distributions distributions, AdminToken token, ResponseCache cache,
      Filler fillers, OriginClient origin, Clock clock, CacheSettings settings, EdgeMetrics metrics,
      SingleFlight<CacheKey, FillOutcome> flights) {
    this.distributions = distributions;
    this.metrics = metrics;
    this.headers = new ProxyHeaders(edgeId, region);
    this.responder = new Responder(edgeId, headers, metrics);
    this.pass = new PassProxy(cache, origin, responder, headers, metrics);
    this.caching = new CachingProxy(cache, fillers, flights, responder, headers, metrics, clock, settings, pass);
    this.admin = new AdminEndpoints(edgeId, region, token, metrics, cache, flights::size);
  }

  /**
   * Tells the stage which origins the cluster considers failing: for those a stale copy within
   * stale-if-error is served without asking the origin, and no background refresh starts.
   */
  public void originFailing(java.util.function.Predicate<io.opencdn.edge.fill.Origin> failing) {
    caching.originFailing(failing);
  }

  /**
   * Gives the stage the disk tier for large objects: a storable GET response larger than
   * {@code maxObjectBytes} but within {@link CacheSettings#diskMaxObjectBytes} is streamed to the
   * client and into a disk-only entry of {@code disk} at once, and served from the file later.
   */
  public void largeObjects(io.opencdn.edge.cache.DiskCache disk) {
    caching.largeObjects(disk);
  }

  /**
   * From now on {@code /_cdn/*} is served by a listener of its own ({@link #admin()} there): these
   * listeners answer 404 for it, except {@code /_cdn/health} and the peer endpoint
   * ({@link #onContentListener}).
   */
  public void adminElsewhere() {
    adminElsewhere = true;
  }

  /** Whether {@code path} is served on the content listeners when the admin endpoints have their own. */
  public static boolean onContentListener(String path) {
    return path.equals(AdminEndpoints.PREFIX + "health") || path.startsWith(AdminEndpoints.PREFIX + "peer/");
  }

  /** The admin endpoints, e.g. for their stats. */
  public AdminEndpoints admin() {
    return admin;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (req.path() != null && req.path().startsWith(AdminEndpoints.PREFIX)) {
      if (adminElsewhere && !onContentListener(req.path())) {
        responder.plain(req, 404, "404 Not Found");
        return;
      }
      admin.handle(req);
      return;
    }
    metrics.requests.increment();
    AccessLog.watch(req, metrics);
    String hostName = Distributions.requestHostName(req);
    Distribution d = distributions.forName(hostName);
    if (d == null) {
      metrics.misdirected.increment();
      responder.plain(req, 421, "421 Misdirected Request: this CDN does not serve that host");
      return;
    }
    if (StrictFraming.badTransferEncoding(req)) {
      req.response().putHeader("Connection", "close");
      responder.plain(req, 400, "400 Bad Request: Transfer-Encoding other than chunked");
      req.connection().close();
      return;
    }
    if (headers.isLoop(req)) {
      responder.plain(req, 508, "508 Loop Detected: the request already passed through this edge");
      return;
    }
    HttpMethod method = req.method();
    if (method == HttpMethod.CONNECT) {
      responder.plain(req, 405, "405 Method Not Allowed: CONNECT");
      return;
    }
    String target = RequestTarget.of(req, hostName);
    if (target == null) {
      responder.plain(req, 400, "400 Bad Request: invalid request target, or an absolute URI for another host than Host");
      return;
    }
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      caching.handle(req, d, new CacheKey(hostName == null ? "" : hostName, target));
    } else {
      req.pause();
      pass.forward(req, d, target);
    }
  }
}
