package io.opencdn.edge.http;

import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.OriginResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes responses to clients: stored responses (hits and completed fills, with {@code Age}),
 * streamed origin responses (passes) and error responses, each tagged with {@code X-Cache} and
 * {@code Via}. A HEAD request gets the headers of the GET response without its body.
 */
final class Responder {

  private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

  private final String edgeId;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;

  Responder(String edgeId, ProxyHeaders headers, EdgeMetrics metrics) {
    this.edgeId = edgeId;
    this.headers = headers;
    this.metrics = metrics;
  }

  /** Serves a stored response; {@code ageSeconds} replaces the stored Age (RFC 9111 5.1). */
  void stored(HttpServerRequest req, CachedResponse r, long ageSeconds, String cacheStatus) {
    HttpServerResponse out = req.response();
    if (out.ended() || out.closed()) {
      return;
    }
    out.setStatusCode(r.status());
    headers.toClient(out, r.headers().stream().filter(e -> !isFraming(e) && !e.getKey().equalsIgnoreCase("Age"))::iterator,
        cacheStatus + " from " + edgeId);
    out.putHeader("Age", Long.toString(ageSeconds));
    if (r.status() == 204 || r.status() == 304) {
      out.end();
    } else if (req.method() == HttpMethod.HEAD) {
      out.putHeader("Content-Length", Integer.toString(r.body().length())).end();
    } else {
      out.end(r.body());
    }
  }

  /**
   * Streams an origin response to the client, starting with {@code prefix} (already read bytes).
   * A body that breaks off resets the client connection rather than ending the message cleanly.
   */
  void relay(HttpServerRequest req, OriginResponse res, Buffer prefix) {
    HttpServerResponse out = req.response();
    out.setStatusCode(res.status());
    headers.toClient(out, res.headers(), "Miss from " + edgeId);
    boolean bodyless = req.method() == HttpMethod.HEAD || res.status() == 204 || res.status() == 304
        || res.status() < 200;
    if (bodyless) {
      if (req.method() == HttpMethod.HEAD && res.raw().request().getMethod() != HttpMethod.HEAD) {
        res.raw().request().reset();
      }
      out.end();
      return;
    }
    if (!out.headers().contains("Content-Length")) {
      out.setChunked(true);
    }
    if (prefix != null && prefix.length() > 0) {
      out.write(prefix);
    }
    Pipe<Buffer> pipe = res.raw().pipe().endOnFailure(false);
    pipe.to(out).onFailure(t -> {
      LOG.debug("relay of {} broke off: {}", req.uri(), t.getMessage());
      out.reset();
    });
  }

  /** Answers 502 or 504 for a failed origin exchange, or resets when headers were already sent. */
  void error(HttpServerRequest req, FillException e) {
    metrics.errors.increment();
    HttpServerResponse out = req.response();
    if (out.headWritten()) {
      out.reset();
      return;
    }
    if (out.ended() || out.closed()) {
      return;
    }
    int status = e.kind().status();
    out.setStatusCode(status);
    out.putHeader("X-Cache", "Error from " + edgeId);
    out.putHeader("Via", "1.1 " + edgeId + " (opencdn)");
    out.putHeader("Content-Type", "text/plain; charset=utf-8");
    out.putHeader("Cache-Control", "no-store");
    out.end(status + " " + (status == 504 ? "Gateway Timeout" : "Bad Gateway") + ": " + e.kind().name().toLowerCase()
        + " error talking to the origin\n");
  }

  /** A short plain-text answer produced by the edge itself. */
  void plain(HttpServerRequest req, int status, String text) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(text + "\n");
  }

  private static boolean isFraming(Map.Entry<String, String> e) {
    return e.getKey().equalsIgnoreCase("Content-Length") || e.getKey().equalsIgnoreCase("Transfer-Encoding");
  }
}
