package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Set;

/**
 * Relays a request to the origin without the cache, streaming both bodies: methods other than GET
 * and HEAD, and cacheable requests whose response turned out not to be shareable. A non-error
 * response to an unsafe method invalidates the stored response of the target URI (RFC 9111 section
 * 4.4).
 */
final class PassProxy {

  private static final Set<HttpMethod> SAFE =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.TRACE);

  private final ResponseCache cache;
  private final OriginClient origin;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;

  private final java.util.function.Predicate<io.opencdn.edge.fill.Origin> failing;

  PassProxy(
      ResponseCache cache,
      OriginClient origin,
      Responder responder,
      ProxyHeaders headers,
      EdgeMetrics metrics,
      java.util.function.Predicate<io.opencdn.edge.fill.Origin> failing) {
    this.failing = failing;
    this.cache = cache;
    this.origin = origin;
    this.responder = responder;
    this.headers = headers;
    this.metrics = metrics;
  }

  /**
   * Forwards {@code req} with its normalised {@code target} ({@link RequestTarget}); for a request
   * with a body the caller must have paused it before any asynchronous step.
   */
  void forward(HttpServerRequest req, Distribution d, String target) {
    metrics.passes.increment();
    metrics.originRequests.increment();
    boolean hasBody = req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD;
    CacheKey key = key(req, target);
    OriginRequest request =
        d.route() != null
            ? OriginRequests.of(
                d,
                req.method(),
                headers.toOrigin(req, d),
                hasBody ? req : null,
                key.host(),
                failing)
            : new OriginRequest(
                d.origin(),
                req.method(),
                target,
                ProxyHeaders.authority(key.host(), d),
                headers.toOrigin(req, d),
                hasBody ? req : null);
    origin
        .sendWithFailover(request)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                responder.error(req, FillException.from(ar.cause()));
                return;
              }
              if (!SAFE.contains(req.method()) && ar.result().status() < 400) {
                invalidateAfterUnsafe(key, ar.result().headers());
              }
              responder.relay(req, ar.result(), null);
            });
  }

  /**
   * RFC 9111 section 4.4: invalidates the target URI and the URIs in {@code Location} and {@code
   * Content-Location} when they have the same host (to prevent denial-of-service against other
   * sites).
   */
  private void invalidateAfterUnsafe(CacheKey target, io.vertx.core.MultiMap responseHeaders) {
    cache.invalidate(target);
    for (String field : new String[] {"Location", "Content-Location"}) {
      String value = responseHeaders.get(field);
      if (value == null) {
        continue;
      }
      try {
        java.net.URI base = java.net.URI.create("http://" + target.host() + target.target());
        java.net.URI u = base.resolve(value.trim());
        if (u.getHost() != null
            && u.getHost().equalsIgnoreCase(target.host())
            && u.getRawPath() != null) {
          String t =
              io.opencdn.edge.cache.Targets.normalize(
                  u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
          if (t != null) {
            cache.invalidate(new CacheKey(target.host(), t));
          }
        }
      } catch (IllegalArgumentException e) {
        // an unparseable URI names nothing we could have stored
      }
    }
  }

  /** The cache key of {@code req} with its normalised {@code target}. */
  static CacheKey key(HttpServerRequest req, String target) {
    String host = Distributions.requestHostName(req);
    return new CacheKey(host == null ? "" : host, target);
  }
}
