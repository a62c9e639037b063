package io.opencdn.edge.http;

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
 * Entry of the request flow: {@code /_cdn/*} goes to the {@link AdminHandler} (with an admin
 * listener of its own, only health and the peer endpoint here: {@link #adminElsewhere}); every other request
 * is matched to a {@link Distribution} by Host (none: 421 Misdirected Request, RFC 9110 15.5.20,
 * never proxied), then the target is reduced to normalised origin-form ({@link RequestTarget}; 400
 * when it cannot be), then GET and HEAD go through the cache and other methods are relayed.
 */
public final class EdgeHandler implements Handler<HttpServerRequest> {

  private final Distributions distributions;
  private final AdminHandler admin;
  private final CachingProxy caching;
  private final PassProxy pass;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private volatile boolean adminElsewhere;
  private volatile io.opencdn.live.LiveServer live;

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
    this.admin = new AdminHandler(edgeId, region, token, metrics, cache, flights::size);
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

  /**
   * Live HLS ({@code live.hls.pathPrefix}, e.g. {@code /live/<stream>/index.m3u8}) is answered before
   * the distributions, whatever the Host: from memory at the stream's ingest edge, elsewhere through this
   * edge's cache from the ingest edge's HTTP listener (see {@link #live(HttpServerRequest)}).
   */
  public void live(io.opencdn.live.LiveServer server) {
    this.live = server;
  }

  /** Whether {@code path} is served on the content listeners when the admin endpoints have their own. */
  public static boolean onContentListener(String path) {
    return path.equals(AdminHandler.PREFIX + "health") || path.startsWith(AdminHandler.PREFIX + "peer/");
  }

  /** The admin endpoints, e.g. for their stats. */
  public AdminHandler admin() {
    return admin;
  }

  /** Host of the cache keys of live HLS fetched from another edge: never a distribution's. */
  static final String LIVE_HOST = "live.opencdn.invalid";

  /**
   * A live HLS request: answered here when the stream is published here; otherwise, when another edge
   * holds it, fetched through the cache from that edge's HTTP listener (the playlist lives a second or
   * so there, segments are immutable: their {@code Cache-Control}), so HLS players anywhere cost one
   * fetch per object per edge; a request that already passed an edge is never passed on (no loop).
   */
  private void live(HttpServerRequest req, io.opencdn.live.LiveServer ls) {
    boolean fromEdge = req.headers().getAll("Via").stream().anyMatch(v -> v.contains("(opencdn)"));
    io.opencdn.live.LiveServer.HlsRoute route = ls.routeHls(req.path(), fromEdge);
    if (route.kind() == io.opencdn.live.LiveServer.Kind.REMOTE
        && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)) {
      Distribution ingest = new Distribution(LIVE_HOST, new io.opencdn.edge.fill.Origin(route.host(), route.port(), false));
      caching.handle(req, ingest, new CacheKey(LIVE_HOST, req.path()));
    } else if (route.kind() == io.opencdn.live.LiveServer.Kind.MISSING) {
      io.opencdn.live.LiveServer.missing(req);
    } else {
      ls.serveHls(req);
    }
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (req.path() != null && req.path().startsWith(AdminHandler.PREFIX)) {
      if (adminElsewhere && !onContentListener(req.path())) {
        responder.plain(req, 404, "404 Not Found");
        return;
      }
      admin.handle(req);
      return;
    }
    metrics.requests.increment();
    AccessLog.watch(req, metrics);
    io.opencdn.live.LiveServer ls = live;
    if (ls != null && ls.hlsPath(req.path()) != null) {
      live(req, ls);
      return;
    }
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
