package io.opencdn.edge.cache;

import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * Whether a shared cache may store a response, and for how long it stays fresh (RFC 9111 sections 3
 * and 4.2.1). The directives are those of this tier: {@code CDN-Cache-Control} or {@code
 * Surrogate-Control} when present, else {@code Cache-Control} (see {@link
 * CacheControl#forThisTier}).
 *
 * <p>A response with a lifetime of 0 ({@code no-cache}, {@code max-age=0}) is stored only when it
 * carries a validator ({@code ETag} or {@code Last-Modified}), so it can be revalidated.
 */
public final class CachePolicy {

  /** Status codes heuristically cacheable by default (RFC 9110 section 15.1). */
  public static final Set<Integer> CACHEABLE_STATUS =
      Set.of(200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501);

  /** Default cap of a heuristic freshness lifetime: one day. */
  public static final long DEFAULT_HEURISTIC_MAX_SECONDS = 86_400;

  private CachePolicy() {}

  /**
   * {@link #storableLifetime(MultiMap, int, MultiMap, long, long)} with the default heuristic cap.
   */
  public static long storableLifetime(
      MultiMap requestHeaders, int status, MultiMap responseHeaders, long responseTimeMillis) {
    return storableLifetime(
        requestHeaders, status, responseHeaders, responseTimeMillis, DEFAULT_HEURISTIC_MAX_SECONDS);
  }

  /**
   * The freshness lifetime in seconds when the response may be stored, else -1. Follows RFC 9111
   * section 3: a cacheable status; no {@code no-store} or {@code private} in the response and no
   * {@code no-store} in the request; a request with {@code Authorization} only with {@code
   * s-maxage}, {@code public} or {@code must-revalidate} (section 3.5); no {@code Set-Cookie}; no
   * {@code Vary: *}. {@code no-cache} stores with lifetime 0. Without an explicit lifetime, the
   * heuristic of section 4.2.2 applies: 10% of the time since {@code Last-Modified}, at most {@code
   * heuristicMaxSeconds}.
   *
   * @param requestHeaders headers of the request that caused the response
   * @param status response status
   * @param responseHeaders response headers
   * @param responseTimeMillis when the response was received, used when it has no Date
   * @param heuristicMaxSeconds cap of a heuristic lifetime
   */
  public static long storableLifetime(
      MultiMap requestHeaders,
      int status,
      MultiMap responseHeaders,
      long responseTimeMillis,
      long heuristicMaxSeconds) {
    if (!CACHEABLE_STATUS.contains(status)) {
      return -1;
    }
    CacheControl req = CacheControl.parse(requestHeaders.getAll("Cache-Control"));
    CacheControl res = CacheControl.forThisTier(responseHeaders);
    if (req.has("no-store") || res.has("no-store") || res.has("private")) {
      return -1;
    }
    if (requestHeaders.contains("Authorization")
        && !res.has("s-maxage")
        && !res.has("public")
        && !res.has("must-revalidate")) {
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
    long lifetime =
        res.has("no-cache") ? 0 : freshnessLifetime(res, responseHeaders, responseTimeMillis);
    if (lifetime < 0) {
      lifetime = heuristicLifetime(responseHeaders, responseTimeMillis, heuristicMaxSeconds);
    }
    if (lifetime > 0) {
      return lifetime;
    }
    return hasValidator(responseHeaders) ? 0 : -1;
  }

  /** True when the response carries an {@code ETag} or a {@code Last-Modified}. */
  public static boolean hasValidator(MultiMap responseHeaders) {
    return responseHeaders.contains("ETag")
        || HttpDates.parse(responseHeaders.get("Last-Modified")) >= 0;
  }

  /**
   * RFC 9111 section 4.2.1: {@code s-maxage}, else {@code max-age}, else {@code Expires} minus
   * {@code Date} (the response time standing in for a missing Date); an invalid Expires means
   * already stale. A targeted field ignores Expires (RFC 9213 section 2.1). Returns -1 when there
   * is no explicit lifetime.
   */
  public static long freshnessLifetime(
      CacheControl res, MultiMap headers, long responseTimeMillis) {
    long s = res.seconds("s-maxage");
    if (s >= 0) {
      return s;
    }
    long m = res.seconds("max-age");
    if (m >= 0) {
      return m;
    }
    String expires = headers.get("Expires");
    if (expires != null && !CacheControl.targeted(headers)) {
      long exp = HttpDates.parse(expires);
      if (exp < 0) {
        return 0;
      }
      long date = HttpDates.parse(headers.get("Date"));
      return Math.max(0, (exp - (date < 0 ? responseTimeMillis : date)) / 1000);
    }
    return -1;
  }

  /**
   * RFC 9111 section 4.2.2: 10% of the interval since {@code Last-Modified} (measured from {@code
   * Date}, else the response time), capped; -1 without a usable Last-Modified.
   */
  static long heuristicLifetime(MultiMap headers, long responseTimeMillis, long capSeconds) {
    long lastModified = HttpDates.parse(headers.get("Last-Modified"));
    if (lastModified < 0) {
      return -1;
    }
    long date = HttpDates.parse(headers.get("Date"));
    long ageMillis = (date < 0 ? responseTimeMillis : date) - lastModified;
    return ageMillis <= 0 ? -1 : Math.min(capSeconds, ageMillis / 10_000);
  }
}
