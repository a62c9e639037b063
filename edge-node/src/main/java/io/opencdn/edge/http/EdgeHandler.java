package io.opencdn.edge.http;

import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CacheTiers;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.FillStore;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.serve.ServePolicy;
import io.opencdn.live.LiveServer;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * Entry of the request flow: {@code /_cdn/*} goes to the {@link AdminEndpoints} (with an admin
 * listener of its own, only health and the peer endpoint here: {@link #onContentListener}); every
 * other request is matched to a {@link Distribution} by Host (none: 421 Misdirected Request, RFC
 * 9110 15.5.20, never proxied), then the target is reduced to normalised origin-form ({@link
 * RequestTarget}; 400 when it cannot be), then GET and HEAD go through the cache and other methods
 * are relayed. With live streaming on, live HLS paths are answered first, whatever the Host ({@link
 * LiveServer}).
 */
public final class EdgeHandler implements Handler<HttpServerRequest> {

  private volatile Distributions distributions;
  private final AdminEndpoints admin;
  private final CachingProxy caching;
  private final PassProxy pass;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private final boolean adminElsewhere;
  private final AccessLog accessLog;
  private final LiveServer live;
  private final ViewerRules viewer;
  private volatile io.opencdn.edge.http.viewer.GeoCountries geo;
  private volatile String geoDatabase;
  private final ViewerAccess viewers;
  private final byte[] relayToken;

  /**
   * Header carrying the cluster's peer token on live HLS fetched from another edge: such a request
   * already passed the viewer rules at the edge the viewer reached, so the ingest edge answers it
   * without them (a viewer cannot forge it without the cluster secret).
   */
  static final String RELAY_TOKEN_HEADER = "OpenCDN-Relay-Authorization";

  /** Host of the cache keys of live HLS fetched from another edge: never a distribution's. */
  static final String LIVE_HOST = "live.opencdn.invalid";

  /**
   * Wires the HTTP stage.
   *
   * @param edgeId id used in Via, X-Cache and health
   * @param region region reported by health and X-Edge-Location
   * @param distributions sites served
   * @param admin the {@code /_cdn/*} endpoints
   * @param adminElsewhere whether they have a listener of their own: then these listeners answer
   *     404 for {@code /_cdn/*}, except {@code /_cdn/health} and the peer endpoint ({@link
   *     #onContentListener})
   * @param tiers the cache tiers (and the disk tier of large objects, if any)
   * @param fillers where cache fills come from (in a cluster: peers, then the origin)
   * @param origin client for relayed (uncached) requests
   * @param clock clock of the age and freshness calculations
   * @param policy the serve decision (stale windows, whether the cluster considers an origin
   *     failing)
   * @param metrics counters to update
   * @param flights the fills in progress, one per key (shared with the cluster stage)
   * @param live live streaming ({@code live} section), whose HLS paths are routed before the
   *     distributions; null when off
   * @param accessLog the access log of client requests
   * @param httpsPort the bound port of the HTTPS listener, -1 without one (redirect-to-https)
   * @param relayToken the value of {@link #RELAY_TOKEN_HEADER} (the cluster's peer token) that live
   *     HLS fetched from another edge carries; null for a standalone edge
   */
  public EdgeHandler(
      String edgeId,
      String region,
      Distributions distributions,
      AdminEndpoints admin,
      boolean adminElsewhere,
      CacheTiers tiers,
      Filler fillers,
      OriginClient origin,
      Clock clock,
      ServePolicy policy,
      EdgeMetrics metrics,
      SingleFlight<CacheKey, FillOutcome> flights,
      LiveServer live,
      AccessLog accessLog,
      java.util.function.IntSupplier httpsPort,
      String relayToken) {
    this.relayToken =
        relayToken == null ? null : relayToken.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ResponseCache cache = tiers.cache();
    this.distributions = distributions;
    this.metrics = metrics;
    this.headers = new ProxyHeaders(edgeId, region);
    this.responder = new Responder(edgeId, headers, metrics);
    this.pass = new PassProxy(cache, origin, responder, headers, metrics, policy::originFailing);
    FillStore store = new FillStore(cache, tiers.largeObjects(), policy.settings(), metrics);
    FillLeader leader =
        new FillLeader(fillers, store, policy, responder, headers, metrics, clock, pass);
    this.caching =
        new CachingProxy(cache, flights, policy, leader, responder, headers, metrics, clock, pass);
    ErrorPages pages =
        new ErrorPages(
            this::distributions, cache, fillers, store, headers, clock, policy::originFailing);
    responder.pages(pages);
    this.viewer = new ViewerRules(responder, pages, () -> geo);
    this.admin = admin;
    this.adminElsewhere = adminElsewhere;
    this.accessLog = accessLog;
    this.live = live;
    this.viewers = new ViewerAccess(clock, httpsPort, responder);
  }

  /**
   * Switches to another version of the distributions (one volatile write): requests that already
   * resolved theirs finish under it, every later request gets the new one.
   */
  public void activate(Distributions next) {
    if (next.restrictsGeo() && geo == null) {
      geo = io.opencdn.edge.http.viewer.GeoCountries.open(geoDatabase);
    }
    this.distributions = next;
  }

  /**
   * The GeoIP2/GeoLite2 Country or City database file of {@code geoRestriction} (null: the embedded
   * GeoLite2 Country); opened when a version with a geo restriction is activated.
   */
  public void geoDatabase(String file) {
    this.geoDatabase = file;
    this.geo = null;
    if (distributions.restrictsGeo()) {
      geo = io.opencdn.edge.http.viewer.GeoCountries.open(file);
    }
  }

  /** The distributions requests are resolved against now. */
  public Distributions distributions() {
    return distributions;
  }

  /**
   * Whether {@code path} is served on the content listeners when the admin endpoints have their
   * own.
   */
  public static boolean onContentListener(String path) {
    return path.equals(AdminEndpoints.PREFIX + "health")
        || path.startsWith(AdminEndpoints.PREFIX + "peer/");
  }

  private static String joined(HttpServerRequest req, String name) {
    java.util.List<String> all = req.headers().getAll(name);
    return all.isEmpty() ? null : String.join(name.equalsIgnoreCase("Cookie") ? "; " : ",", all);
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
    AccessLog.Entry logged = accessLog.watch(req);
    if (live != null && live.hlsPath(req.path()) != null) {
      String presented = req.getHeader(RELAY_TOKEN_HEADER);
      boolean relayed =
          relayToken != null
              && presented != null
              && java.security.MessageDigest.isEqual(
                  relayToken, presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (relayed || !refusedLive(req, logged)) {
        live(req);
      }
      return;
    }
    String hostName = Distributions.requestHostName(req);
    Distributions version = distributions;
    Distribution d = version.forName(hostName);
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
      responder.plain(
          req,
          400,
          "400 Bad Request: invalid request target, or an absolute URI for another host than Host");
      return;
    }
    d = version.route(d, target);
    Route route = d.route();
    if (route != null
        && (route.edits() != null || route.distribution().geoRestriction() != null)
        && viewer.answered(req, route, logged)) {
      return;
    }
    if (route != null && route.behavior().guarded()) {
      String checked = viewers.check(req, route.behavior(), target);
      if (checked == null) {
        return;
      }
      if (!checked.equals(target)) {
        target = checked;
        d = version.route(d, target);
        route = d.route();
      }
    }
    if (route != null && !route.behavior().allowedMethods().contains(method.name())) {
      responder.plain(
          req, 403, "403 Forbidden: " + method.name() + " is not allowed for this path");
      return;
    }
    if (route != null && route.uncached()) {
      if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
        req.pause();
      }
      pass.forward(req, d, target);
    } else if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      CacheKey key =
          new CacheKey(
              hostName == null ? "" : hostName,
              route == null
                  ? target
                  : io.opencdn.common.distribution.CacheKeyParts.target(
                      route.behavior().cachePolicy(),
                      route.path(),
                      route.query(),
                      n -> joined(req, n)));
      logged.key(key);
      caching.handle(req, d, key);
    } else {
      req.pause();
      pass.forward(req, d, target);
    }
  }

  /**
   * A live HLS request ({@code live.hls.pathPrefix}, e.g. {@code /live/<stream>/index.m3u8}):
   * answered from memory when the stream is published here; when another edge holds it, GET and
   * HEAD fill this edge's cache from that edge's HTTP listener like from an origin (the playlist
   * lives a second or so, segments are immutable: their {@code Cache-Control}), so HLS players
   * anywhere cost one fetch per object per edge; a request that already passed an edge is never
   * passed on (no loop).
   */
  /**
   * Applies to a live HLS request from a viewer the viewer rules of the behavior its Host and path
   * select, as for content (geo restriction, CORS preflight, response headers, viewer protocol,
   * signed URLs and cookies): true when the request was answered by them. A Host that names no
   * distribution leaves the stream open, as live HLS is served whatever the Host.
   */
  private boolean refusedLive(HttpServerRequest req, AccessLog.Entry logged) {
    String hostName = Distributions.requestHostName(req);
    Distributions version = distributions;
    Distribution d = version.forName(hostName);
    String target = d == null ? null : RequestTarget.of(req, hostName);
    Route route = target == null ? null : version.route(d, target).route();
    if (route == null) {
      return false;
    }
    if ((route.edits() != null || route.distribution().geoRestriction() != null)
        && viewer.answered(req, route, logged)) {
      return true;
    }
    return route.behavior().guarded() && viewers.check(req, route.behavior(), target) == null;
  }

  private void live(HttpServerRequest req) {
    boolean fromEdge = req.headers().getAll("Via").stream().anyMatch(v -> v.contains("(opencdn)"));
    LiveServer.HlsRoute route = live.routeHls(req.path(), fromEdge);
    if (route.kind() == LiveServer.Kind.REMOTE
        && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD)) {
      Distribution ingest =
          new Distribution(LIVE_HOST, new Origin(route.host(), route.port(), false));
      if (relayToken != null) {
        req.headers()
            .set(
                RELAY_TOKEN_HEADER,
                new String(relayToken, java.nio.charset.StandardCharsets.UTF_8));
      }
      caching.handle(req, ingest, new CacheKey(LIVE_HOST, req.path()));
    } else if (route.kind() == LiveServer.Kind.MISSING) {
      LiveServer.missing(req);
    } else {
      live.serveHls(req);
    }
  }
}
