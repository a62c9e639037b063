package io.opencdn.edge.http;

import io.opencdn.common.log.JsonText;
import io.opencdn.edge.config.AccessLogConfig;
import io.opencdn.edge.metrics.LogText;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * The text of one access-log line.
 *
 * <p>{@code json}: one object per line with the configured fields, named as in CloudFront's
 * real-time logs where they mean the same: {@code timestamp} (epoch seconds, ms precision, when the
 * request arrived), {@code c-ip}, {@code c-port}, {@code cs-method}, {@code cs-host} (Host or
 * {@code :authority} as sent), {@code cs-uri-stem}, {@code cs-uri-query} (null when none),
 * {@code cs-protocol} (http, https), {@code cs-protocol-version} (HTTP/1.0, HTTP/1.1, HTTP/2.0),
 * {@code ssl-protocol} (e.g. TLSv1.3; null over plain HTTP), {@code cs-user-agent},
 * {@code sc-status} (null when no response was completed, e.g. a reset), {@code sc-bytes} (body
 * bytes), {@code time-taken} and {@code time-to-first-byte} (seconds, µs precision, from the
 * request head to the response's end and to its header block), {@code x-edge-location} (the
 * region), {@code x-edge-result-type} (Hit, RefreshHit, Miss, Error, as in {@code X-Cache}) and
 * {@code x-edge-detailed-result-type} (the same, or for errors: {@code InvalidRequest} for a 4xx
 * the edge gave itself, {@code OriginError} for 502, {@code OriginCommError} for 504,
 * {@code ClientCommError} when the response was not completed). Our own: {@code cs-range} (the
 * request's Range field), {@code edge-id}, {@code cache-key} (host + normalised target; null
 * for requests that did not reach the cache) and {@code peer} (the edge that supplied the object,
 * else null). Strings are escaped by {@link JsonText} (ASCII only; no input ends a string or a
 * line).
 *
 * <p>{@code text}: {@code <ISO-8601 time> <client> "<method> <uri> HTTP/<v>" <status|-> <bytes>
 * host=<host> cache=<X-Cache> ms=<duration>}, client fields escaped as nginx escapes them
 * ({@link LogText#escape}).
 */
final class AccessLine {

  private enum Field {
    TIMESTAMP, C_IP, C_PORT, CS_METHOD, CS_HOST, CS_URI_STEM, CS_URI_QUERY, CS_PROTOCOL, CS_PROTOCOL_VERSION,
    SSL_PROTOCOL, CS_RANGE, CS_USER_AGENT, SC_STATUS, SC_BYTES, TIME_TAKEN, TIME_TO_FIRST_BYTE, X_EDGE_LOCATION,
    EDGE_ID, X_EDGE_RESULT_TYPE, X_EDGE_DETAILED_RESULT_TYPE, CACHE_KEY, PEER;

    final String key = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private final boolean json;
  private final Field[] fields;
  private final String edgeId;
  private final String region;

  AccessLine(AccessLogConfig config, String edgeId, String region) {
    this.json = config.format().equals("json");
    List<String> names = config.fields();
    this.fields = new Field[names.size()];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = Field.valueOf(names.get(i).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
    this.edgeId = edgeId;
    this.region = region;
  }

  String line(AccessLog.Entry e, long bytes, long endNanos) {
    return json ? json(e, bytes, endNanos) : text(e, bytes, endNanos);
  }

  private String json(AccessLog.Entry e, long bytes, long endNanos) {
    HttpServerRequest req = e.req;
    HttpServerResponse out = req.response();
    StringBuilder b = new StringBuilder(400).append('{');
    String xCache = null;
    boolean xCacheRead = false;
    for (Field f : fields) {
      JsonText.name(b, f.key);
      switch (f) {
        case TIMESTAMP -> b.append(e.startMillis / 1000).append('.').append((char) ('0' + e.startMillis % 1000 / 100))
            .append((char) ('0' + e.startMillis % 100 / 10)).append((char) ('0' + e.startMillis % 10));
        case C_IP -> {
          SocketAddress a = req.remoteAddress();
          JsonText.string(b, a == null ? null : a.hostAddress());
        }
        case C_PORT -> {
          SocketAddress a = req.remoteAddress();
          b.append(a == null ? -1 : a.port());
        }
        case CS_METHOD -> JsonText.string(b, req.method().name());
        case CS_HOST -> JsonText.string(b, Distributions.requestHost(req));
        case CS_URI_STEM -> JsonText.string(b, req.path());
        case CS_URI_QUERY -> JsonText.string(b, req.query());
        case CS_PROTOCOL -> b.append(req.isSSL() ? "\"https\"" : "\"http\"");
        case CS_PROTOCOL_VERSION -> JsonText.string(b, version(req.version()));
        case SSL_PROTOCOL -> JsonText.string(b, req.isSSL() && req.connection().sslSession() != null
            ? req.connection().sslSession().getProtocol() : null);
        case CS_RANGE -> JsonText.string(b, req.getHeader("Range"));
        case CS_USER_AGENT -> JsonText.string(b, req.getHeader("User-Agent"));
        case SC_STATUS -> b.append(out.ended() ? Integer.toString(out.getStatusCode()) : "null");
        case SC_BYTES -> b.append(bytes);
        case TIME_TAKEN -> seconds(b, endNanos - e.startNanos);
        case TIME_TO_FIRST_BYTE -> {
          if (e.headersNanos == 0) {
            b.append("null");
          } else {
            seconds(b, e.headersNanos - e.startNanos);
          }
        }
        case X_EDGE_LOCATION -> JsonText.string(b, region);
        case EDGE_ID -> JsonText.string(b, edgeId);
        case X_EDGE_RESULT_TYPE, X_EDGE_DETAILED_RESULT_TYPE, PEER -> {
          if (!xCacheRead) {
            xCache = out.headers().get(ProxyHeaders.X_CACHE);
            xCacheRead = true;
          }
          JsonText.string(b, f == Field.PEER ? peer(xCache) : f == Field.X_EDGE_RESULT_TYPE ? result(xCache, out)
              : detailed(xCache, out));
        }
        case CACHE_KEY -> JsonText.string(b, e.key == null ? null : e.key.toString());
        default -> throw new IllegalStateException(f.key);
      }
    }
    return b.append('}').toString();
  }

  private String text(AccessLog.Entry e, long bytes, long endNanos) {
    HttpServerRequest req = e.req;
    HttpServerResponse out = req.response();
    String cache = out.headers().get(ProxyHeaders.X_CACHE);
    return Instant.ofEpochMilli(e.startMillis) + " " + (req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress())
        + " \"" + LogText.escape(req.method().name()) + " " + LogText.escape(req.uri()) + " "
        + (req.version() == null ? "-" : req.version().alpnName().toUpperCase()) + "\" "
        + (out.ended() ? Integer.toString(out.getStatusCode()) : "-") + " " + bytes + " host="
        + LogText.escape(Distributions.requestHost(req)) + " cache=" + (cache == null ? "-" : LogText.escape(cache.replace(' ', '_')))
        + " ms=" + (endNanos - e.startNanos) / 1_000_000;
  }

  private static String version(HttpVersion v) {
    if (v == null) {
      return null;
    }
    return switch (v) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_1_1 -> "HTTP/1.1";
      case HTTP_2 -> "HTTP/2.0";
    };
  }

  private static void seconds(StringBuilder b, long nanos) {
    long us = Math.max(0, nanos / 1000);
    b.append(us / 1_000_000).append('.');
    String frac = Long.toString(us % 1_000_000);
    for (int i = frac.length(); i < 6; i++) {
      b.append('0');
    }
    b.append(frac);
  }

  /** Hit, RefreshHit, Miss or Error: the first word of X-Cache; Error when there is none. */
  static String result(String xCache, HttpServerResponse out) {
    if (xCache == null || !out.ended()) {
      return "Error";
    }
    if (xCache.startsWith("Hit ")) {
      return "Hit";
    }
    if (xCache.startsWith("RefreshHit ")) {
      return "RefreshHit";
    }
    if (xCache.startsWith("Miss ")) {
      return "Miss";
    }
    return "Error";
  }

  static String detailed(String xCache, HttpServerResponse out) {
    String r = result(xCache, out);
    if (!r.equals("Error")) {
      return r;
    }
    if (!out.ended()) {
      return "ClientCommError";
    }
    int status = out.getStatusCode();
    return status == 504 ? "OriginCommError" : status >= 500 ? "OriginError" : "InvalidRequest";
  }

  /** The id in {@code (peer ID)} of X-Cache, or null. */
  static String peer(String xCache) {
    if (xCache == null) {
      return null;
    }
    int i = xCache.indexOf("(peer ");
    int j = i < 0 ? -1 : xCache.indexOf(')', i);
    return j < 0 ? null : xCache.substring(i + 6, j);
  }
}
