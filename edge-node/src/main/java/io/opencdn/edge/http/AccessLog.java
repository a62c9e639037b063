package io.opencdn.edge.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per client request on the SLF4J logger {@code access} (INFO), written when the
 * response ends or the connection closes first:
 * {@code <client> "<method> <uri> HTTP/<v>" <status> <body bytes> host=<host> cache=<X-Cache> ms=<duration>}
 * (status {@code -} when no response was completed, e.g. a reset after a truncated fill).
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
    long start = System.nanoTime();
    HttpServerResponse out = req.response();
    boolean[] logged = {false};
    Runnable line = () -> {
      if (logged[0]) {
        return;
      }
      logged[0] = true;
      long bytes = out.bytesWritten();
      metrics.responseBytes(bytes);
      Logger logger = log;
      if (logger.isInfoEnabled()) {
        String client = req.remoteAddress() == null ? "-" : req.remoteAddress().hostAddress();
        String cache = out.headers().get("X-Cache");
        logger.info("{} \"{} {} {}\" {} {} host={} cache={} ms={}", client, req.method().name(), req.uri(),
            req.version() == null ? "-" : req.version().alpnName().toUpperCase(), out.ended() ? out.getStatusCode() : "-",
            bytes, Distributions.requestHost(req), cache == null ? "-" : cache.replace(' ', '_'),
            (System.nanoTime() - start) / 1_000_000);
      }
    };
    // bodyEndHandler and the response's closeHandler: endHandler and the connection's
    // closeHandler belong to the load meter of the cluster package
    out.bodyEndHandler(v -> line.run());
    out.closeHandler(v -> line.run());
  }
}
