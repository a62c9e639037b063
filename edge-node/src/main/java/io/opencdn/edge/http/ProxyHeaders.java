package io.opencdn.edge.http;

import io.opencdn.edge.fill.HopByHop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Map;

/**
 * Header rewriting at the proxy boundary: hop-by-hop fields are dropped both ways (RFC 9110
 * 7.6.1), {@code Via} is added both ways (RFC 9110 7.6.3) and {@code X-Forwarded-For} names the
 * client towards the origin.
 */
final class ProxyHeaders {

  /** Conditional and range fields a cache fill must not forward: the fill wants the full 200. */
  private static final List<String> FILL_EXCLUDED = List.of("If-Match", "If-None-Match", "If-Modified-Since",
      "If-Unmodified-Since", "If-Range", "Range");

  private final String via;
  private final String viaToken;

  ProxyHeaders(String edgeId) {
    this.via = "1.1 " + edgeId + " (opencdn)";
    this.viaToken = " " + edgeId + " (opencdn)";
  }

  /** True when the request already passed through this edge: forwarding it would loop. */
  boolean isLoop(HttpServerRequest req) {
    for (String v : req.headers().getAll("Via")) {
      if (v.contains(viaToken)) {
        return true;
      }
    }
    return false;
  }

  /** Headers to send to the origin for a relayed request. */
  MultiMap toOrigin(HttpServerRequest req) {
    MultiMap h = HopByHop.endToEnd(req.headers());
    h.remove("Host");
    String client = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    String xff = String.join(", ", h.getAll("X-Forwarded-For"));
    h.set("X-Forwarded-For", xff.isBlank() ? client : xff + ", " + client);
    h.add("Via", via);
    return h;
  }

  /** Headers to send to the origin for a cache fill: no conditionals, no Range. */
  MultiMap toOriginForFill(HttpServerRequest req) {
    MultiMap h = toOrigin(req);
    FILL_EXCLUDED.forEach(h::remove);
    return h;
  }

  /** Copies end-to-end response headers and adds Via and X-Cache. */
  void toClient(HttpServerResponse out, Iterable<Map.Entry<String, String>> headers, String xCache) {
    for (Map.Entry<String, String> e : headers) {
      out.headers().add(e.getKey(), e.getValue());
    }
    out.headers().add("Via", via);
    out.headers().set("X-Cache", xCache);
  }
}
