package io.opencdn.edge.fill;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;
import java.util.List;
import java.util.Set;

/**
 * A request to send to an origin.
 *
 * @param origin where to connect
 * @param method request method
 * @param target path and query
 * @param authority Host header value (the client's Host, so name-based origins work)
 * @param headers end-to-end headers to forward (already including Via and X-Forwarded-For)
 * @param body request body to stream, or null for none
 * @param options this origin's timeouts, attempts and pool size; null: the client's defaults
 * @param fallbacks the same request to the next members of an origin group, in order ({@link
 *     Failover}); empty for a single origin
 * @param failoverOn statuses that move the request to the next member
 */
public record OriginRequest(
    Origin origin,
    HttpMethod method,
    String target,
    String authority,
    MultiMap headers,
    ReadStream<Buffer> body,
    OriginOptions options,
    List<OriginRequest> fallbacks,
    Set<Integer> failoverOn) {

  public OriginRequest {
    fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    failoverOn = failoverOn == null ? Set.of() : Set.copyOf(failoverOn);
  }

  /** A request to one origin with the client's default options. */
  public OriginRequest(
      Origin origin,
      HttpMethod method,
      String target,
      String authority,
      MultiMap headers,
      ReadStream<Buffer> body) {
    this(origin, method, target, authority, headers, body, null, List.of(), Set.of());
  }
}
