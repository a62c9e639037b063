package io.opencdn.edge.cache;

import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * Whether a shared cache may store a response, and for how long it stays fresh (RFC 9111
 * sections 3 and 4.2.1). This first version stores only responses with explicit freshness and
 * does not revalidate, so {@code no-cache} and {@code must-revalidate}-only responses are not
 * stored either.
 */
public final class CachePolicy {

  /** Status codes heuristically cacheable by default (RFC 9110 section 15.1). */
  public static final Set<Integer> CACHEABLE_STATUS = Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

  private CachePolicy() {}

  /**
   * The freshness lifetime in seconds when the response may be stored, else -1. Follows RFC 9111
   * section 3: a cacheable status; no {@code no-store}, {@code private} or {@code no-cache} in the
   * response and no {@code no-store} in the request; a request with {@code Authorization} only
   * with {@code s-maxage} or {@code public} (section 3.5); no {@code Set-Cookie}; no
   * {@code Vary: *}; and a positive explicit freshness lifetime.
   *
   * @param requestHeaders headers of the request that caused the response
   * @param status response status
   * @param responseHeaders response headers
   * @param responseTimeMillis when the response was received, used when it has no Date
   */
  public static long storableLifetime(MultiMap requestHeaders, int status, MultiMap responseHeaders, long responseTimeMillis) {
    if (!CACHEABLE_STATUS.contains(status)) {
      return -1;
    }
    CacheControl req = CacheControl.parse(requestHeaders.getAll("Cache-Control"));
    CacheControl res = CacheControl.parse(responseHeaders.getAll("Cache-Control"));
    if (req.has("no-store") || res.has("no-store") || res.has("private") || res.has("no-cache")) {
      return -1;
    }
    if (requestHeaders.contains("Authorization") && !res.has("s-maxage") && !res.has("public")) {
      return -1;
    }
    if (responseHeaders.contains("Set-Cookie")) {
      return -1;
    }
    for (String vary : responseHeaders.getAll("Vary")) {
      if (vary.contains("*")) {
        return -1;
      }
    }
    long lifetime = freshnessLifetime(res, responseHeaders, responseTimeMillis);
    return lifetime > 0 ? lifetime : -1;
  }

  /**
   * RFC 9111 section 4.2.1: {@code s-maxage}, else {@code max-age}, else {@code Expires} minus
   * {@code Date} (the response time standing in for a missing Date); an invalid Expires means
   * already stale. Returns -1 when there is no explicit lifetime.
   */
  static long freshnessLifetime(CacheControl res, MultiMap headers, long responseTimeMillis) {
    long s = res.seconds("s-maxage");
    if (s >= 0) {
      return s;
    }
    long m = res.seconds("max-age");
    if (m >= 0) {
      return m;
    }
    String expires = headers.get("Expires");
    if (expires != null) {
      long exp = HttpDates.parse(expires);
      if (exp < 0) {
        return 0;
      }
      long date = HttpDates.parse(headers.get("Date"));
      return Math.max(0, (exp - (date < 0 ? responseTimeMillis : date)) / 1000);
    }
    return -1;
  }
}
