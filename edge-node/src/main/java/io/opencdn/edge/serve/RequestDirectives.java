package io.opencdn.edge.serve;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.opencdn.edge.cache.CacheControl;
import io.vertx.core.MultiMap;

/**
 * The request {@code Cache-Control} directives a shared cache honours (RFC 9111 section 5.2.1).
 *
 * @param maxAge {@code max-age}: the client accepts no response older than this, -1 if absent
 * @param maxStale {@code max-stale}: accepts a response stale by at most this; without argument
 *     {@link Long#MAX_VALUE}; -1 if absent
 * @param minFresh {@code min-fresh}: wants a response fresh for at least this longer, -1 if absent
 * @param noCache {@code no-cache} (or {@code Pragma: no-cache} without Cache-Control, RFC 9111
 *     5.4): a stored response must be revalidated first
 * @param onlyIfCached {@code only-if-cached}: answer from the cache or with 504
 */
public record RequestDirectives(
    long maxAge, long maxStale, long minFresh, boolean noCache, boolean onlyIfCached) {

  public static final RequestDirectives NONE = new RequestDirectives(-1, -1, -1, false, false);

  public static RequestDirectives of(MultiMap headers) {
    if (!headers.contains(HttpHeaderNames.CACHE_CONTROL)) {
      String pragma = headers.get(HttpHeaderNames.PRAGMA);
      return pragma != null && pragma.toLowerCase(java.util.Locale.ROOT).contains("no-cache")
          ? new RequestDirectives(-1, -1, -1, true, false)
          : NONE;
    }
    CacheControl cc = CacheControl.parse(headers.getAll(HttpHeaderNames.CACHE_CONTROL));
    long maxStale =
        cc.has("max-stale")
            ? (cc.seconds("max-stale") >= 0 ? cc.seconds("max-stale") : Long.MAX_VALUE)
            : -1;
    return new RequestDirectives(
        cc.seconds("max-age"),
        maxStale,
        cc.seconds("min-fresh"),
        cc.has("no-cache"),
        cc.has("only-if-cached"));
  }

  /** False when the client asked for a validated or bounded-age response (no stale serving). */
  public boolean allowsStaleWhileRevalidate() {
    return !noCache && maxAge < 0 && minFresh < 0;
  }

  /**
   * Whether a stored response of {@code ageSeconds} and {@code lifetimeSeconds} satisfies the
   * client without contacting the origin (RFC 9111 section 4.2 and 5.2.1).
   *
   * @param mustRevalidate whether the response forbids serving it stale
   */
  public boolean accepts(long ageSeconds, long lifetimeSeconds, boolean mustRevalidate) {
    if (noCache) {
      return false;
    }
    if (maxAge >= 0 && ageSeconds > maxAge) {
      return false;
    }
    if (minFresh >= 0 && lifetimeSeconds - ageSeconds < minFresh) {
      return false;
    }
    if (lifetimeSeconds > ageSeconds) {
      return true;
    }
    return maxStale >= 0 && ageSeconds - lifetimeSeconds <= maxStale && !mustRevalidate;
  }
}
