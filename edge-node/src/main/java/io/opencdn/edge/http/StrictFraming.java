package io.opencdn.edge.http;

import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * Request framing checks against request smuggling (RFC 9112 sections 6.1 and 6.3), on top of what
 * Netty's decoder already refuses with 400 and a closed connection (several {@code Content-Length}
 * fields, a list or negative value, whitespace before the colon). A {@code Transfer-Encoding} other
 * than exactly {@code chunked} is refused here: RFC 9112 6.3 requires 400 when chunked is not the
 * final coding, and this edge implements no other transfer coding. (A request with both {@code
 * Content-Length} and {@code Transfer-Encoding: chunked} is framed by Transfer-Encoding alone, as
 * RFC 9112 6.3 allows; Netty drops the length before the request reaches this code. The edge
 * re-frames every request it forwards, so the origin never sees the client's framing.)
 */
final class StrictFraming {

  private StrictFraming() {}

  /** True when the request's Transfer-Encoding is present and not exactly {@code chunked}. */
  static boolean badTransferEncoding(HttpServerRequest req) {
    if (!req.headers().contains(io.netty.handler.codec.http.HttpHeaderNames.TRANSFER_ENCODING)) {
      return false;
    }
    var values = req.headers().getAll("Transfer-Encoding");
    if (values.isEmpty()) {
      return false;
    }
    return !String.join(",", values).trim().toLowerCase(Locale.ROOT).equals("chunked");
  }
}
