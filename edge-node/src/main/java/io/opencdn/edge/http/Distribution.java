package io.opencdn.edge.http;

import io.opencdn.edge.fill.Origin;

/**
 * A site served by the edge, resolved from configuration.
 *
 * @param host lower-case host name, or {@code *} for any Host
 * @param origin the origin that fills this site's cache
 */
public record Distribution(String host, Origin origin) {}
