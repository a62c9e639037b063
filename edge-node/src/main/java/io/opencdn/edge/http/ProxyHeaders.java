package io.opencdn.edge.http;

import io.netty.util.AsciiString;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.HopByHop;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Map;

/**
 * Header rewriting at the proxy boundary: hop-by-hop fields are dropped both ways (RFC 9110 7.6.1),
 * {@code Via} is added both ways (RFC 9110 7.6.3) and {@code X-Forwarded-For} names the client
 * towards the origin.
 */
final class ProxyHeaders {

  /** Conditional and range fields a cache fill must not forward: the fill wants the full 200. */
  private static final List<String> FILL_EXCLUDED =
      List.of(
          "If-Match",
          "If-None-Match",
          "If-Modified-Since",
          "If-Unmodified-Since",
          "If-Range",
          "Range");

  static final AsciiString VIA = AsciiString.cached("Via");
  static final AsciiString X_CACHE = AsciiString.cached("X-Cache");
  static final AsciiString X_EDGE_LOCATION = AsciiString.cached("X-Edge-Location");

  private final String via;
  private final AsciiString viaAscii;
  private final AsciiString regionAscii;
  private final String viaToken;
  private final String region;
  private final String edgeId;

  ProxyHeaders(String edgeId, String region) {
    this.via = "1.1 " + edgeId + " (opencdn)";
    this.viaAscii = AsciiString.cached(via);
    this.regionAscii = AsciiString.cached(region);
    this.viaToken = " " + edgeId + " (opencdn)";
    this.region = region;
    this.edgeId = edgeId;
  }

  /** This edge's id. */
  String edgeId() {
    return edgeId;
  }

  /** True when the request already passed through this edge: forwarding it would loop. */
  boolean isLoop(HttpServerRequest req) {
    if (!req.headers().contains(VIA)) {
      return false;
    }
    for (String v : req.headers().getAll("Via")) {
      if (v.contains(viaToken)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Request fields a client could steer the origin with (which host, scheme, port, path or method
   * it thinks it serves, or who the client is): dropped unless the distribution trusts them. {@code
   * X-Forwarded-For} is not among them: the edge appends the client's address to it.
   */
  static final List<String> FORWARDING =
      List.of(
          "Forwarded",
          "X-Forwarded-Host",
          "X-Forwarded-Proto",
          "X-Forwarded-Port",
          "X-Forwarded-Prefix",
          "X-Forwarded-Server",
          "X-Forwarded-Scheme",
          "X-Forwarded-Ssl",
          "X-Forwarded-Uri",
          "X-Original-URL",
          "X-Original-URI",
          "X-Original-Host",
          "X-Rewrite-URL",
          "X-Host",
          "X-Real-IP",
          "True-Client-IP",
          "X-Client-IP",
          "X-HTTP-Method-Override",
          "X-HTTP-Method",
          "X-Method-Override");

  /**
   * Headers to send to the origin for a relayed request: end-to-end fields without Host (the origin
   * request sets it), without the {@link #FORWARDING} fields unless {@code d} trusts them, without
   * the cluster's internal {@code X-Cdn-*} fields, with Via and X-Forwarded-For.
   */
  MultiMap toOrigin(HttpServerRequest req, Distribution d) {
    MultiMap h = HopByHop.endToEnd(req.headers());
    h.remove("Host");
    if (!d.trustForwardedHeaders()) {
      FORWARDING.forEach(h::remove);
    }
    if (h.names().stream().anyMatch(n -> n.regionMatches(true, 0, "X-Cdn-", 0, 6))) {
      h.names().stream()
          .filter(n -> n.regionMatches(true, 0, "X-Cdn-", 0, 6))
          .toList()
          .forEach(h::remove);
    }
    String client = req.remoteAddress() == null ? "unknown" : req.remoteAddress().hostAddress();
    String xff = String.join(", ", h.getAll("X-Forwarded-For"));
    h.set("X-Forwarded-For", xff.isBlank() ? client : xff + ", " + client);
    h.add("Via", via);
    return h;
  }

  /**
   * Headers to send to the origin for a cache fill: no client conditionals, no Range, and {@code
   * Accept-Encoding} normalised the way {@code Vary} matching normalises it.
   */
  MultiMap toOriginForFill(HttpServerRequest req, Distribution d) {
    MultiMap h = toOrigin(req, d);
    FILL_EXCLUDED.forEach(h::remove);
    if (h.contains("Accept-Encoding")) {
      String ae =
          io.opencdn.edge.cache.Variants.normalizeAcceptEncoding(
              String.join(",", h.getAll("Accept-Encoding")));
      if (ae.isEmpty()) {
        h.remove("Accept-Encoding");
      } else {
        h.set("Accept-Encoding", ae);
      }
    }
    return h;
  }

  /**
   * Copies end-to-end response headers (without {@code Surrogate-Control}, which is meant for this
   * tier only, nor the cluster's internal {@code X-Cdn-*} fields) and adds Via, X-Cache (with
   * {@code (peer ID)} when the object was filled from peer edge ID) and X-Edge-Location.
   */
  void toClient(
      HttpServerResponse out, Iterable<Map.Entry<String, String>> headers, String xCache) {
    String peer = null;
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().regionMatches(true, 0, "X-Cdn-", 0, 6)) {
        // internal cluster fields (the cluster's peer endpoint): the peer an object came from
        peer = e.getKey().equalsIgnoreCase("X-Cdn-Peer") ? e.getValue() : peer;
      } else if (!e.getKey().equalsIgnoreCase("Surrogate-Control")) {
        out.headers().add(e.getKey(), e.getValue());
      }
    }
    out.headers().add("Via", via);
    out.headers().set("X-Cache", peer == null ? xCache : xCache + " (peer " + peer + ")");
    out.headers().set("X-Edge-Location", region);
  }

  /**
   * The hit path's variant of {@link #toClient}: adds the stored headers a client gets ({@link
   * CachedResponse#clientHeaders()}: all but the framing fields, {@code Age} and {@code
   * Surrogate-Control}), pre-encoded once per stored response, then Via, X-Cache and
   * X-Edge-Location.
   */
  void storedToClient(HttpServerResponse out, CachedResponse stored, CharSequence xCache) {
    MultiMap h = out.headers();
    AsciiString[] pairs = stored.clientHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    addEdgeFields(h, xCache);
  }

  /** Via, X-Cache and X-Edge-Location as {@link #storedToClient} adds them, into any header map. */
  void addEdgeFields(MultiMap h, CharSequence xCache) {
    h.add(VIA, viaAscii);
    h.set(X_CACHE, xCache);
    h.set(X_EDGE_LOCATION, regionAscii);
  }

  /** The X-Edge-Location value: this edge's region. */
  String region() {
    return region;
  }

  /**
   * The Host sent to the origin: the cache key's host (lower case, no port, no trailing dot), so
   * the origin never answers for a Host the key does not name; the origin's own authority when the
   * request had none.
   */
  static String authority(String keyHost, Distribution d) {
    if (keyHost == null || keyHost.isEmpty()) {
      return d.origin().host() + ":" + d.origin().port();
    }
    return keyHost.indexOf(':') >= 0 ? "[" + keyHost + "]" : keyHost;
  }
}
