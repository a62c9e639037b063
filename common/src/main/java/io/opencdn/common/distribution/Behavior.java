package io.opencdn.common.distribution;

import java.util.Set;

/**
 * A cache behavior: requests whose path matches {@code path} go to {@code target} under {@code
 * cachePolicy} and {@code originRequestPolicy}. The first behavior that matches wins.
 *
 * @param path the path pattern
 * @param target id of an origin or origin group of the distribution
 * @param allowedMethods methods accepted (others: 403, as CloudFront)
 * @param cachePolicy resolved cache policy
 * @param originRequestPolicy resolved origin request policy, or null (only the cache key's values
 *     go to the origin)
 * @param line where it is defined, for messages
 * @param compress whether the edge compresses what the origin sends uncompressed ({@link
 *     Compression}; key {@code compress}, default false)
 * @param responseHeadersPolicy headers the edge sets on its responses, or null
 */
public record Behavior(
    PathPattern path,
    String target,
    Set<String> allowedMethods,
    CachePolicy cachePolicy,
    OriginRequestPolicy originRequestPolicy,
    int line,
    boolean compress,
    ResponseHeadersPolicy responseHeadersPolicy) {

  /** CloudFront's three method sets. */
  public static final Set<String> GET_HEAD = Set.of("GET", "HEAD");

  public static final Set<String> GET_HEAD_OPTIONS = Set.of("GET", "HEAD", "OPTIONS");
  public static final Set<String> ALL_METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE");

  public Behavior {
    allowedMethods = Set.copyOf(allowedMethods);
  }

  /** A behavior without edge features. */
  public Behavior(
      PathPattern path,
      String target,
      Set<String> allowedMethods,
      CachePolicy cachePolicy,
      OriginRequestPolicy originRequestPolicy,
      int line) {
    this(path, target, allowedMethods, cachePolicy, originRequestPolicy, line, false, null);
  }
}
