package io.opencdn.edge.http;

import io.opencdn.edge.fill.Origin;

/**
 * A site served by the edge for one request.
 *
 * @param host lower-case host name, or {@code *} for any Host
 * @param origin the origin that fills this site's cache (with a {@code route}: the first origin of
 *     the matched behavior's target)
 * @param trustForwardedHeaders the client's forwarding fields go on to the origin ({@link
 *     io.opencdn.edge.config.DistributionConfig#trustForwardedHeaders})
 * @param route what the request matched in {@code distributions.yaml}; null for a distribution of
 *     the edge's own file (or {@code --origin}): the whole request goes to {@code origin} and is
 *     cached as the origin says (RFC 9111)
 * @param compressAll without a {@code route}: responses are compressed at fill time ({@link
 *     io.opencdn.edge.config.DistributionConfig#compress}); with one the behavior decides
 */
public record Distribution(
    String host, Origin origin, boolean trustForwardedHeaders, Route route, boolean compressAll) {

  /** A distribution of {@code distributions.yaml} for a request that matched {@code route}. */
  public Distribution(String host, Origin origin, boolean trustForwardedHeaders, Route route) {
    this(host, origin, trustForwardedHeaders, route, false);
  }

  /** A distribution of the edge's own file. */
  public Distribution(String host, Origin origin, boolean trustForwardedHeaders) {
    this(host, origin, trustForwardedHeaders, null);
  }

  /**
   * Whether responses are compressed at fill time: the matched behavior's {@code compress}, or
   * {@code compressAll} for a distribution of the edge's own file.
   */
  public boolean compresses() {
    return route != null ? route.behavior().compress() : compressAll;
  }

  /** A distribution that drops the client's forwarding fields. */
  public Distribution(String host, Origin origin) {
    this(host, origin, false);
  }
}
