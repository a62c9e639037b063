package io.opencdn.common.distribution;

import java.net.URI;
import java.util.Map;

/**
 * One origin of a distribution.
 *
 * @param id unique within its distribution
 * @param url {@code http://host[:port]} or {@code https://host[:port]}, no path
 * @param hostHeader Host sent to this origin whatever the viewer asked for; null: the origin
 *     request policy decides (viewer Host with {@code AllViewer}, else the URL's authority)
 * @param pathPrefix prepended to the request path on the way to the origin ("" for none)
 * @param headers custom headers sent to the origin with every request
 * @param connectTimeoutMillis TCP connect timeout
 * @param readTimeoutMillis longest wait for response headers or the next body chunk
 * @param attempts connection attempts before the origin counts as failed (1..3)
 * @param poolSize keep-alive connections kept to it per edge
 */
public record OriginSpec(
    String id,
    String url,
    String hostHeader,
    String pathPrefix,
    Map<String, String> headers,
    int connectTimeoutMillis,
    int readTimeoutMillis,
    int attempts,
    int poolSize) {

  public OriginSpec {
    headers = Map.copyOf(headers);
  }

  /** The parsed URL. */
  public URI uri() {
    return URI.create(url);
  }
}
