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
 */
public record Distribution(String host, Origin origin, boolean trustForwardedHeaders, Route route) {

  /** A distribution of the edge's own file. */
  public Distribution(String host, Origin origin, boolean trustForwardedHeaders) {
    this(host, origin, trustForwardedHeaders, null);
  }

  /** A distribution that drops the client's forwarding fields. */
  public Distribution(String host, Origin origin) {
    this(host, origin, false);
  }
}
