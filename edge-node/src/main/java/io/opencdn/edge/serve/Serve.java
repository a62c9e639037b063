package io.opencdn.edge.serve;

/**
 * What the edge does with a GET or HEAD given what it has stored for it ({@link
 * ServePolicy#decide}). The first three answer from the cache at once; the next two ask a filler;
 * the last answers 504.
 */
public enum Serve {
  /**
   * The stored response satisfies the request (fresh, or stale within the client's {@code
   * max-stale}).
   */
  HIT,
  /**
   * Stale within {@code stale-while-revalidate} (RFC 5861 3): serve it and refresh it once in the
   * background.
   */
  STALE_WHILE_REVALIDATE,
  /**
   * Stale within {@code stale-if-error} while the cluster considers the origin failing (RFC 5861
   * 4): serve it without asking the origin, and start no refresh.
   */
  STALE_IF_ERROR,
  /**
   * A stored response that cannot be served as it is but has a validator ({@code ETag} or {@code
   * Last-Modified}) and its body in memory: fill conditionally; a 304 refreshes it, and a failure
   * may still serve it within {@code stale-if-error}.
   */
  REVALIDATE,
  /**
   * Nothing usable is stored, or the stored response has no validator or lies in a disk file (a
   * large object is fetched again in full): fill; a stored response may still be served on a
   * failure within {@code stale-if-error}.
   */
  FILL,
  /** {@code only-if-cached} and nothing usable is stored: 504 (RFC 9111 5.2.1.7). */
  NOT_CACHED
}
