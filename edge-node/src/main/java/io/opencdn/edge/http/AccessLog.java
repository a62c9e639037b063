package io.opencdn.edge.http;

import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.metrics.LogText;
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
 * ({@link LogText#escape}), so no request can forge a field or start a new line.
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
        logger.info("{} \"{} {} {}\" {} {} host={} cache={} ms={}", client, LogText.escape(req.method().name()), LogText.escape(req.uri()),
            req.version() == null ? "-" : req.version().alpnName().toUpperCase(), out.ended() ? out.getStatusCode() : "-",
            bytes, LogText.escape(Distributions.requestHost(req)), cache == null ? "-" : cache.replace(' ', '_'),
            (System.nanoTime() - start) / 1_000_000);
      }
    }
  }
}
