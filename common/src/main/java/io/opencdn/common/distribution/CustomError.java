package io.opencdn.common.distribution;

import java.util.Set;

/**
 * A custom error response of a distribution (CloudFront's "error pages"): how long a response with
 * {@code status} stays cached at the edge, and optionally the page served instead of it and the
 * status the viewer gets. The page is fetched from the distribution itself, through the behavior
 * its path matches, and cached like any object.
 *
 * @param status the status it applies to (origin's, or the edge's own 403/502/504)
 * @param errorCachingMinTtl seconds a response with {@code status} is cached at least
 * @param page path of the page served instead, or null (the origin's body as it is)
 * @param responseCode status sent to the viewer with the page; 0: {@code status}
 * @param line where it is defined
 */
public record CustomError(
    int status, long errorCachingMinTtl, String page, int responseCode, int line) {

  /** Statuses CloudFront lets one customise. */
  public static final Set<Integer> STATUSES =
      Set.of(400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504);

  /** Statuses a page may be served with. */
  public static final Set<Integer> RESPONSE_CODES =
      Set.of(200, 400, 403, 404, 405, 414, 416, 500, 501, 502, 503, 504);

  /** CloudFront's default error caching minimum TTL, 10 s. */
  public static final long DEFAULT_MIN_TTL = 10;

  /** The status the viewer gets. */
  public int viewerStatus() {
    return responseCode == 0 ? status : responseCode;
  }

  /** One line for {@code explain-request}. */
  public String describe() {
    return status
        + ": cached "
        + errorCachingMinTtl
        + " s at least"
        + (page == null ? "" : ", page " + page + " served as " + viewerStatus());
  }
}
