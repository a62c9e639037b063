package io.opencdn.edge.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per client request on the SLF4J logger {@code access} (INFO), written when the
 * response ends or the connection closes first:
 * {@code <client> "<method> <uri> HTTP/<v>" <status> <body bytes> host=<host> cache=<X-Cache> ms=<duration>}
 * (status {@code -} when no response was completed, e.g. a reset after a truncated fill).
 * Fields that come from the client (the URI, the Host) are escaped as nginx escapes them
 * ({@link #escape}), so no request can forge a field or start a new line.
 */
final class AccessLog {

  private static volatile Logger log = LoggerFactory.getLogger("access");

  private AccessLog() {}

  /** Replaces the logger (tests capture the lines). */
  static void logger(Logger logger) {
    log = logger;
  }

  /** Arranges the access log line and the response byte count of {@code req}. */
  static void watch(HttpServerRequest req, EdgeMetrics metrics) {
    Line line = new Line(req, metrics, System.nanoTime());
    // bodyEndHandler and the response's closeHandler: endHandler and the connection's
    // closeHandler belong to the load meter of the cluster package
    HttpServerResponse out = req.response();
    out.bodyEndHandler(line);
    out.closeHandler(line);
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * {@code s} with every byte that could end or forge a field written as {@code \xHH} (UTF-8 for
   * characters over 0xFF): control characters, space, {@code "}, {@code \}, and bytes from 0x7F
   * on; {@code -} for null. The same instance when nothing needs escaping (the common case).
   */
  static String escape(String s) {
    if (s == null) {
      return "-";
    }
    int n = s.length();
    int i = 0;
    while (i < n && plain(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return s;
    }
    StringBuilder b = new StringBuilder(n + 16).append(s, 0, i);
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        b.append(c);
      } else if (c <= 0xFF) {
        b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        for (byte x : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          b.append("\\x").append(HEX[(x >> 4) & 0xF]).append(HEX[x & 0xF]);
        }
      }
    }
    return b.toString();
  }

  private static boolean plain(char c) {
    return c > 0x20 && c < 0x7F && c != '"' && c != '\\';
  }

  /** The line of one request, written once: at the body's end or at close, whichever is first. */
  private static final class Line implements Handler<Void> {
    private final HttpServerRequest req;
    private final EdgeMetrics metrics;
    private final long start;
    private boolean logged;

    Line(HttpServerRequest req, EdgeMetrics metrics, long start) {
      this.req = req;
      this.metrics = metrics;
      this.start = start;
    }

    @Override
    public void handle(Void ignored) {
      if (logged) {
        return;
      }
      logged = true;
      HttpServerResponse out = req.response();
      long bytes = out.bytesWritten();
      metrics.responseBytes(bytes);
      Logger logger = log;
      if (logger.isInfoEnabled()) {
        String client = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
        String cache = out.headers().get("X-Cache");
        logger.info("{} \"{} {} {}\" {} {} host={} cache={} ms={}", client, escape(req.method().name()), escape(req.uri()),
            req.version() == null ? "-" : req.version().alpnName().toUpperCase(), out.ended() ? out.getStatusCode() : "-",
            bytes, escape(Distributions.requestHost(req)), cache == null ? "-" : cache.replace(' ', '_'),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
  }
}
