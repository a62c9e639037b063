package io.opencdn.edge.http;

import io.opencdn.common.distribution.CacheKeyParts;
import io.opencdn.common.distribution.CustomError;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.fill.BodyCollector;
import io.opencdn.edge.fill.FillStore;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Custom error responses ({@code customErrors} of a distribution): the error caching minimum TTL of
 * a status ({@link #lifetime}), and the page served instead of an error ({@link #serve}) with the
 * status configured. The page is an object of the distribution itself: its cache key is the one the
 * behavior of its path gives, it is looked up in the cache and, when missing or stale, fetched like
 * a fill and stored; when it cannot be fetched a stale copy is served, else the edge's plain error.
 * The page's own errors are never replaced (no loop).
 */
final class ErrorPages {

  private static final Set<String> DROPPED =
      Set.of("etag", "last-modified", "content-length", "age", "accept-ranges", "set-cookie");

  private final Supplier<Distributions> current;
  private final ResponseCache cache;
  private final Filler fillers;
  private final FillStore store;
  private final ProxyHeaders headers;
  private final Clock clock;
  private final Predicate<Origin> failing;

  ErrorPages(
      Supplier<Distributions> current,
      ResponseCache cache,
      Filler fillers,
      FillStore store,
      ProxyHeaders headers,
      Clock clock,
      Predicate<Origin> failing) {
    this.current = current;
    this.cache = cache;
    this.fillers = fillers;
    this.store = store;
    this.headers = headers;
    this.clock = clock;
    this.failing = failing;
  }

  /**
   * The lifetime a fill's response with {@code status} is stored with under {@code d}'s custom
   * errors: at least {@code errorCachingMinTtl} seconds ({@code 0}: not stored at all), else {@code
   * lifetime} as the cache policy decided.
   */
  static long lifetime(Distribution d, int status, long lifetime) {
    if (status < 400 || d == null || d.route() == null) {
      return lifetime;
    }
    CustomError e = d.route().distribution().customError(status);
    if (e == null) {
      return lifetime;
    }
    return e.errorCachingMinTtl() == 0 ? -1 : Math.max(lifetime, e.errorCachingMinTtl());
  }

  /**
   * The custom error of {@code status} with a page for the distribution of {@code req}, or null.
   */
  private Resolved resolve(HttpServerRequest req, int status) {
    Distributions v = current.get();
    if (v.document() == null || status < 400) {
      return null;
    }
    String host = Distributions.requestHostName(req);
    Distribution d = v.forName(host);
    if (d == null) {
      return null;
    }
    io.opencdn.common.distribution.Distribution dist = v.document().forHost(d.host());
    CustomError e = dist == null ? null : dist.customError(status);
    if (e == null || e.page() == null || e.page().equals(req.path())) {
      return null;
    }
    return new Resolved(v.route(d, e.page()), e, host == null ? d.host() : host);
  }

  private record Resolved(Distribution page, CustomError error, String host) {}

  /** Whether {@link #serve} would answer {@code req} with a page for {@code status}. */
  boolean replaces(HttpServerRequest req, int status) {
    return status >= 400 && resolve(req, status) != null;
  }

  /**
   * Answers {@code req} with the custom page of {@code status} and returns true, or returns false
   * when there is none (the caller answers as usual). {@code fallback} answers when the page cannot
   * be had.
   */
  boolean serve(HttpServerRequest req, int status, Runnable fallback) {
    Resolved r = status >= 400 ? resolve(req, status) : null;
    if (r == null) {
      return false;
    }
    Route route = r.page().route();
    CacheKey key =
        new CacheKey(
            r.host(),
            CacheKeyParts.target(route.behavior().cachePolicy(), route.path(), null, n -> null));
    cache
        .get(key)
        .recover(t -> Future.succeededFuture())
        .onComplete(
            ar -> {
              CachedResponse stored = ar.result();
              if (stored != null && stored.bodyFile() != null) {
                stored = null;
              }
              if (stored != null && stored.isFresh(clock.millis())) {
                write(req, r.error(), stored.status(), stored.headers(), stored.body());
                return;
              }
              CachedResponse stale = stored;
              fetch(req, r, key)
                  .onComplete(
                      got -> {
                        if (got.succeeded() && got.result() != null) {
                          write(
                              req,
                              r.error(),
                              got.result().status(),
                              got.result().headers(),
                              got.result().body());
                        } else if (stale != null) {
                          write(req, r.error(), stale.status(), stale.headers(), stale.body());
                        } else {
                          fallback.run();
                        }
                      });
            });
    return true;
  }

  /** Fetches the page, stores it as its behavior's cache policy says; null unless a 2xx. */
  private Future<CachedResponse> fetch(HttpServerRequest req, Resolved r, CacheKey key) {
    OriginRequest request =
        OriginRequests.of(
            r.page(),
            HttpMethod.GET,
            headers.toOriginForFill(req, r.page()),
            null,
            r.host(),
            failing);
    return fillers
        .fetch(key, request)
        .compose(
            res -> {
              if (res == null) {
                return Future.succeededFuture();
              }
              return BodyCollector.collect(res, store.settings().maxObjectBytes())
                  .map(body -> page(req, r, key, res, body));
            });
  }

  private CachedResponse page(
      HttpServerRequest req,
      Resolved r,
      CacheKey key,
      OriginResponse res,
      BodyCollector.Collected body) {
    if (res.status() < 200 || res.status() > 299 || !body.complete()) {
      return null;
    }
    long lifetime =
        r.page().route().uncached()
            ? -1
            : store.lifetime(req.headers(), res, r.page().route().behavior().cachePolicy());
    CachedResponse entry = FillStore.entry(res, body.body(), req.headers(), Math.max(0, lifetime));
    if (lifetime > 0) {
      store.store(key, req.headers(), res, lifetime, body.body());
    }
    return entry;
  }

  private void write(
      HttpServerRequest req,
      CustomError e,
      int pageStatus,
      Iterable<Map.Entry<String, String>> pageHeaders,
      Buffer body) {
    HttpServerResponse out = req.response();
    if (out.ended() || out.closed() || out.headWritten()) {
      return;
    }
    out.headers().clear();
    out.setStatusCode(e.viewerStatus());
    for (Map.Entry<String, String> h : pageHeaders) {
      String n = h.getKey().toLowerCase(Locale.ROOT);
      if (!DROPPED.contains(n) && !n.startsWith("x-cdn-") && !n.equals("surrogate-control")) {
        out.headers().add(h.getKey(), h.getValue());
      }
    }
    headers.addEdgeFields(out.headers(), "Error from " + headers.edgeId());
    out.headers().set("Content-Length", Integer.toString(body.length()));
    if (req.method() == HttpMethod.HEAD) {
      out.end();
    } else {
      out.end(body);
    }
  }
}
