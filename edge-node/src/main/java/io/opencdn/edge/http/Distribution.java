package io.opencdn.edge.http;

import io.opencdn.edge.fill.Origin;

/**
 * A site served by the edge, resolved from configuration.
 *
 * @param host lower-case host name, or {@code *} for any Host
 * @param origin the origin that fills this site's cache
 * @param trustForwardedHeaders the client's forwarding fields go on to the origin
 *     ({@link io.opencdn.edge.config.DistributionConfig#trustForwardedHeaders})
 */
public record Distribution(String host, Origin origin, boolean trustForwardedHeaders) {

  /** A distribution that drops the client's forwarding fields. */
  public Distribution(String host, Origin origin) {
    this(host, origin, false);
  }
}
