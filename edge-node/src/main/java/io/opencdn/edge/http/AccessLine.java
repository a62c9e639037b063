package io.opencdn.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.opencdn.common.log.AsciiLine;
import io.opencdn.common.log.AsyncLineWriter;
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
 * {@code :authority} as sent), {@code cs-uri-stem}, {@code cs-uri-query} (null when none), {@code
 * cs-protocol} (http, https), {@code cs-protocol-version} (HTTP/1.0, HTTP/1.1, HTTP/2.0), {@code
 * ssl-protocol} (e.g. TLSv1.3; null over plain HTTP), {@code cs-user-agent}, {@code sc-status}
 * (null when no response was completed, e.g. a reset), {@code sc-bytes} (body bytes), {@code
 * time-taken} and {@code time-to-first-byte} (seconds, µs precision, from the request head to the
 * response's end and to its header block), {@code x-edge-location} (the region), {@code
 * x-edge-result-type} (Hit, RefreshHit, Miss, Error, as in {@code X-Cache}) and {@code
 * x-edge-detailed-result-type} (the same, or for errors: {@code InvalidRequest} for a 4xx the edge
 * gave itself, {@code OriginError} for 502, {@code OriginCommError} for 504, {@code
 * ClientCommError} when the response was not completed). Our own: {@code cs-range} (the request's
 * Range field), {@code edge-id}, {@code cache-key} (host + normalised target; null for requests
 * that did not reach the cache) and {@code peer} (the edge that supplied the object, else null).
 * Strings are escaped by {@link JsonText} (ASCII only; no input ends a string or a line).
 *
 * <p>{@code text}: {@code <ISO-8601 time> <client> "<method> <uri> HTTP/<v>" <status|-> <bytes>
 * host=<host> cache=<X-Cache> ms=<duration>}, client fields escaped as nginx escapes them ({@link
 * LogText#escape}).
 */
final class AccessLine {

  private enum Field {
    TIMESTAMP,
    C_IP,
    C_PORT,
    CS_METHOD,
    CS_HOST,
    CS_URI_STEM,
    CS_URI_QUERY,
    CS_PROTOCOL,
    CS_PROTOCOL_VERSION,
    SSL_PROTOCOL,
    CS_RANGE,
    CS_USER_AGENT,
    SC_STATUS,
    SC_BYTES,
    TIME_TAKEN,
    TIME_TO_FIRST_BYTE,
    X_EDGE_LOCATION,
    EDGE_ID,
    X_EDGE_RESULT_TYPE,
    X_EDGE_DETAILED_RESULT_TYPE,
    CACHE_KEY,
    PEER;

    final String key = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static final ThreadLocal<AsciiLine> LINE = ThreadLocal.withInitial(AsciiLine::new);
  private static final byte[] HTTP = ascii("\"http\"");
  private static final byte[] HTTPS = ascii("\"https\"");
  private static final byte[] V1_0 = ascii("\"HTTP/1.0\"");
  private static final byte[] V1_1 = ascii("\"HTTP/1.1\"");
  private static final byte[] V2_0 = ascii("\"HTTP/2.0\"");
  private static final byte[] NULL = ascii("null");

  private final boolean json;
  private final Field[] fields;

  /** Per field: {@code {"name":} for the first, {@code ,"name":} for the others. */
  private final byte[][] names;

  private final byte[] edgeIdJson;
  private final byte[] regionJson;

  AccessLine(AccessLogConfig config, String edgeId, String region) {
    this.json = config.format().equals("json");
    List<String> chosen = config.fields();
    this.fields = new Field[chosen.size()];
    this.names = new byte[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = Field.valueOf(chosen.get(i).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      names[i] = ascii((i == 0 ? "{\"" : ",\"") + fields[i].key + "\":");
    }
    this.edgeIdJson = ascii(new AsciiLine().json(edgeId).toString());
    this.regionJson = ascii(new AsciiLine().json(region).toString());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Formats the line of {@code e} and hands it to {@code writer}. */
  void write(AsyncLineWriter writer, AccessLog.Entry e, long bytes, long endNanos) {
    if (json) {
      writer.offer(json(e, bytes, endNanos));
    } else {
      writer.offer(text(e, bytes, endNanos));
    }
  }

  /** The line of {@code e} as text (tests). */
  String line(AccessLog.Entry e, long bytes, long endNanos) {
    return json ? json(e, bytes, endNanos).toString() : text(e, bytes, endNanos);
  }

  private AsciiLine json(AccessLog.Entry e, long bytes, long endNanos) {
    HttpServerRequest req = e.req;
    HttpServerResponse out = req.response();
    AsciiLine b = LINE.get().reset();
    String xCache = null;
    boolean xCacheRead = false;
    for (int i = 0; i < fields.length; i++) {
      Field f = fields[i];
      b.raw(names[i]);
      switch (f) {
        case TIMESTAMP -> b.fixed(e.startMillis, 3);
        case C_IP -> {
          SocketAddress a = req.remoteAddress();
          b.json(a == null ? null : a.hostAddress());
        }
        case C_PORT -> {
          SocketAddress a = req.remoteAddress();
          b.num(a == null ? -1 : a.port());
        }
        case CS_METHOD -> b.json(req.method().name());
        case CS_HOST -> {
          io.vertx.core.net.HostAndPort a = req.authority();
          if (a != null && a.host() != null && !a.host().isEmpty() && a.port() <= 0) {
            b.json(a.host());
          } else {
            b.json(Distributions.requestHost(req));
          }
        }
        case CS_URI_STEM -> b.json(req.path());
        case CS_URI_QUERY -> b.json(req.query());
        case CS_PROTOCOL -> b.raw(req.isSSL() ? HTTPS : HTTP);
        case CS_PROTOCOL_VERSION -> b.raw(version(req.version()));
        case SSL_PROTOCOL ->
            b.json(
                req.isSSL() && req.connection().sslSession() != null
                    ? req.connection().sslSession().getProtocol()
                    : null);
        case CS_RANGE -> b.json(req.headers().get(HttpHeaderNames.RANGE));
        case CS_USER_AGENT -> b.json(req.headers().get(HttpHeaderNames.USER_AGENT));
        case SC_STATUS -> {
          if (out.ended()) {
            b.num(out.getStatusCode());
          } else {
            b.nul();
          }
        }
        case SC_BYTES -> b.num(bytes);
        case TIME_TAKEN -> b.fixed(Math.max(0, (endNanos - e.startNanos) / 1000), 6);
        case TIME_TO_FIRST_BYTE -> {
          if (e.headersNanos == 0) {
            b.nul();
          } else {
            b.fixed(Math.max(0, (e.headersNanos - e.startNanos) / 1000), 6);
          }
        }
        case X_EDGE_LOCATION -> b.raw(regionJson);
        case EDGE_ID -> b.raw(edgeIdJson);
        case X_EDGE_RESULT_TYPE, X_EDGE_DETAILED_RESULT_TYPE, PEER -> {
          if (!xCacheRead) {
            xCache = out.headers().get(ProxyHeaders.X_CACHE);
            xCacheRead = true;
          }
          b.json(
              f == Field.PEER
                  ? peer(xCache)
                  : f == Field.X_EDGE_RESULT_TYPE ? result(xCache, out) : detailed(xCache, out));
        }
        case CACHE_KEY -> {
          if (e.key == null) {
            b.nul();
          } else {
            b.json(e.key.host(), e.key.target());
          }
        }
        default -> throw new IllegalStateException(f.key);
      }
    }
    return b.ch('}');
  }

  private String text(AccessLog.Entry e, long bytes, long endNanos) {
    HttpServerRequest req = e.req;
    HttpServerResponse out = req.response();
    String cache = out.headers().get(ProxyHeaders.X_CACHE);
    return Instant.ofEpochMilli(e.startMillis)
        + " "
        + (req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress())
        + " \""
        + LogText.escape(req.method().name())
        + " "
        + LogText.escape(req.uri())
        + " "
        + (req.version() == null ? "-" : req.version().alpnName().toUpperCase())
        + "\" "
        + (out.ended() ? Integer.toString(out.getStatusCode()) : "-")
        + " "
        + bytes
        + " host="
        + LogText.escape(Distributions.requestHost(req))
        + " cache="
        + (cache == null ? "-" : LogText.escape(cache.replace(' ', '_')))
        + " ms="
        + (endNanos - e.startNanos) / 1_000_000;
  }

  private static byte[] version(HttpVersion v) {
    if (v == null) {
      return NULL;
    }
    return switch (v) {
      case HTTP_1_0 -> V1_0;
      case HTTP_1_1 -> V1_1;
      case HTTP_2 -> V2_0;
    };
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
