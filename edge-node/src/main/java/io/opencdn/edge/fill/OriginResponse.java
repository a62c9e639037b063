package io.opencdn.edge.fill;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;

/**
 * An origin response whose headers have arrived; the body is still unread (paused) in {@code raw}.
 *
 * @param status status code
 * @param headers end-to-end response headers (hop-by-hop ones removed)
 * @param raw the underlying response, for reading or piping the body
 * @param requestTimeMillis clock time the request was sent
 * @param responseTimeMillis clock time the response headers arrived
 */
public record OriginResponse(
    int status,
    MultiMap headers,
    HttpClientResponse raw,
    long requestTimeMillis,
    long responseTimeMillis) {

  /** The declared Content-Length, or -1 when absent or invalid. */
  public long contentLength() {
    String v = raw.getHeader("Content-Length");
    try {
      return v == null ? -1 : Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
