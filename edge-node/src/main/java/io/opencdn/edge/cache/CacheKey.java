package io.opencdn.edge.cache;

import java.util.Locale;
import java.util.Objects;

/**
 * Primary cache key of a GET or HEAD request (RFC 9111 section 2): the host the client asked for
 * (lower case, port ignored) and the request target (path and query). HEAD and GET share a key,
 * so a HEAD is answered from a stored GET response.
 *
 * @param host lower-case host name without port
 * @param target path and query exactly as requested
 */
public record CacheKey(String host, String target) {

  public CacheKey {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(target, "target");
    host = host.toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return host + target;
  }
}
