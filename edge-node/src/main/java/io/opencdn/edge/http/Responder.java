package io.opencdn.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HitHeaders;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;
import java.util.List;
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
  private static final AsciiString AGE = AsciiString.cached("Age");
  private static final AsciiString ACCEPT_RANGES = AsciiString.cached("Accept-Ranges");
  private static final AsciiString BYTES = AsciiString.cached("bytes");

  /** Age values 0..1023 s as wire-ready text (the common ones: most hits are young). */
  private static final AsciiString[] AGES = new AsciiString[1024];

  static {
    for (int i = 0; i < AGES.length; i++) {
      AGES[i] = AsciiString.cached(Integer.toString(i));
    }
  }

  private final AsciiString hitLabel;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private ErrorPages pages;

  Responder(String edgeId, ProxyHeaders headers, EdgeMetrics metrics) {
    this.edgeId = edgeId;
    this.hitLabel = AsciiString.cached("Hit from " + edgeId);
    this.headers = headers;
    this.metrics = metrics;
  }

  /**
   * Serves a stored response; {@code ageSeconds} replaces the stored Age (RFC 9111 5.1). A failed
   * {@code If-Match} / {@code If-Unmodified-Since} gets 412 without a body, a client conditional
   * that matches gets 304 (RFC 9110 13.2.2); a GET with a satisfiable Range on a stored 200 gets
   * 206 (one range) or a {@code multipart/byteranges} 206 (several), an unsatisfiable one 416 (RFC
   * 9110 14); {@code If-Range} that does not match serves the full 200.
   */
  void stored(HttpServerRequest req, CachedResponse r, long ageSeconds, String cacheStatus) {
    stored(req, r, ageSeconds, cacheStatus, null);
  }

  /** Whether {@code req} gets a custom error page instead of a response with {@code status}. */
  boolean replaces(HttpServerRequest req, int status) {
    return pages != null && pages.replaces(req, status);
  }

  /** Answers {@code req} with the custom error page of {@code status} (plain text without one). */
  void errorPage(HttpServerRequest req, int status) {
    Runnable plain = () -> plain(req, status, status + " (from the origin)");
    if (pages == null || !pages.serve(req, status, plain)) {
      plain.run();
    }
  }

  /** The custom error pages ({@code customErrors}) the edge's answers go through. */
  void pages(ErrorPages pages) {
    this.pages = pages;
  }

  /**
   * {@link #stored(HttpServerRequest, CachedResponse, long, String)} under a response headers
   * policy's {@code edits} (null: none), which a full hit's prepared header block then includes; a
   * stored error with a custom error page gets the page instead.
   */
  void stored(
      HttpServerRequest req,
      CachedResponse r,
      long ageSeconds,
      String cacheStatus,
      io.opencdn.edge.http.viewer.HeaderEdits edits) {
    if (r.status() >= 400
        && pages != null
        && pages.serve(req, r.status(), () -> storedAsIs(req, r, ageSeconds, cacheStatus, edits))) {
      return;
    }
    storedAsIs(req, r, ageSeconds, cacheStatus, edits);
  }

  private void storedAsIs(
      HttpServerRequest req,
      CachedResponse r,
      long ageSeconds,
      String cacheStatus,
      io.opencdn.edge.http.viewer.HeaderEdits edits) {
    HttpServerResponse out = req.response();
    if (out.ended() || out.closed() || out.headWritten()) {
      return;
    }
    AsciiString label = edits == null ? hitLabel : edits.hitLabel(hitLabel);
    CharSequence xCache = "Hit".equals(cacheStatus) ? label : cacheStatus + " from " + edgeId;
    MultiMap rh = req.headers();
    if (Conditionals.preconditionFailed(rh, r)) {
      out.setStatusCode(412);
      headers.toClient(out, List.of(), xCache.toString());
      out.end();
      return;
    }
    if (Conditionals.notModified(rh, r)) {
      out.setStatusCode(304);
      headers.toClient(
          out,
          r.headers().stream()
                  .filter(
                      e ->
                          Conditionals.NOT_MODIFIED_FIELDS.contains(
                              e.getKey().toLowerCase(java.util.Locale.ROOT)))
              ::iterator,
          xCache.toString());
      out.putHeader(AGE, age(ageSeconds)).end();
      return;
    }
    if (r.bodyFile() != null) {
      storedFile(req, out, r, ageSeconds, xCache);
      return;
    }
    if (xCache == label
        && r.status() != 204
        && r.status() != 304
        && out.headers().isEmpty()
        && (r.status() != 200 || !rh.contains(HttpHeaderNames.RANGE))) {
      // the hit path: the complete header block, built once per entry and second, shared
      out.setStatusCode(r.status());
      out.headers().setAll(hitHeaders(r, ageSeconds, label, edits));
      if (req.method() == HttpMethod.HEAD) {
        out.end();
      } else {
        out.end(r.body());
      }
      return;
    }
    out.setStatusCode(r.status());
    headers.storedToClient(out, r, xCache);
    out.headers().add(AGE, age(ageSeconds));
    if (r.status() == 204 || r.status() == 304) {
      out.end();
      return;
    }
    Buffer body = r.body();
    if (r.status() == 200) {
      out.headers().set(ACCEPT_RANGES, BYTES);
      String range = rh.get(HttpHeaderNames.RANGE);
      if (range != null
          && req.method() == HttpMethod.GET
          && Conditionals.ifRangeHolds(req.headers(), r)) {
        List<Ranges.Range> ranges = Ranges.parse(range, body.length());
        if (ranges != null && ranges.isEmpty()) {
          out.setStatusCode(416).putHeader("Content-Range", "bytes */" + body.length());
          out.headers().remove("Content-Type");
          out.end();
          return;
        }
        if (ranges != null) {
          out.setStatusCode(206);
          if (ranges.size() == 1) {
            Ranges.Range one = ranges.get(0);
            out.putHeader("Content-Range", one.contentRange(body.length()));
            body = body.slice((int) one.first(), (int) one.last() + 1);
          } else {
            String boundary =
                "opencdn"
                    + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
            Ranges.Multipart parts =
                new Ranges.Multipart(
                    ranges, body.length(), out.headers().get("Content-Type"), boundary);
            out.putHeader("Content-Type", "multipart/byteranges; boundary=" + boundary);
            if (req.method() == HttpMethod.HEAD) {
              out.putHeader("Content-Length", Long.toString(parts.length())).end();
            } else {
              parts.send(out, body); // part by part, slices of the stored body
            }
            return;
          }
        }
      }
    }
    if (req.method() == HttpMethod.HEAD) {
      out.putHeader("Content-Length", Integer.toString(body.length())).end();
    } else {
      out.end(body);
    }
  }

  /**
   * Serves a stored response whose body lies in a disk-tier file ({@link
   * CachedResponse#bodyFile()}) with {@code sendFile}, never reading it whole into memory: the
   * whole body, or one range (206) as an offset and length into the file. Several ranges (after
   * coalescing, see {@link Ranges#parse}) are answered with the full 200 (RFC 9110 14.2 lets a
   * server ignore Range). A file that has gone meanwhile (evicted) resets the connection.
   */
  private void storedFile(
      HttpServerRequest req,
      HttpServerResponse out,
      CachedResponse r,
      long ageSeconds,
      CharSequence xCache) {
    CachedResponse.BodyFile file = r.bodyFile();
    long length = file.length();
    long from = 0;
    long count = length;
    out.setStatusCode(r.status());
    headers.storedToClient(out, r, xCache);
    out.headers().add(AGE, age(ageSeconds));
    out.headers().set(ACCEPT_RANGES, BYTES);
    String range = req.headers().get(HttpHeaderNames.RANGE);
    if (range != null
        && req.method() == HttpMethod.GET
        && Conditionals.ifRangeHolds(req.headers(), r)) {
      List<Ranges.Range> ranges = Ranges.parse(range, length);
      if (ranges != null && ranges.isEmpty()) {
        out.setStatusCode(416).putHeader("Content-Range", "bytes */" + length);
        out.headers().remove("Content-Type");
        out.end();
        return;
      }
      if (ranges != null && ranges.size() == 1) {
        Ranges.Range one = ranges.get(0);
        out.setStatusCode(206).putHeader("Content-Range", one.contentRange(length));
        from = one.first();
        count = one.last() - one.first() + 1;
      }
    }
    if (req.method() == HttpMethod.HEAD) {
      out.putHeader("Content-Length", Long.toString(count)).end();
      return;
    }
    out.putHeader("Content-Length", Long.toString(count));
    out.sendFile(file.path().toString(), file.offset() + from, count)
        .onFailure(
            t -> {
              LOG.debug("sending {} from {} failed: {}", req.uri(), file.path(), t.toString());
              out.reset();
            });
  }

  /**
   * The headers of a full hit on {@code r} at {@code ageSeconds}, as {@link #stored} would add them
   * one by one (stored end-to-end fields, Via, X-Cache, X-Edge-Location, Age, Accept-Ranges for a
   * 200, and the Content-Length Vert.x would add), as a read-only map: setting it on a response is
   * O(1) (copy on write), it is validated once, and with {@code
   * vertx.cacheImmutableHttpResponseHeaders} its encoded bytes are reused. Kept in the entry
   * ({@link CachedResponse#hitHeaders()}) until the age or the serving edge changes.
   */
  private MultiMap hitHeaders(
      CachedResponse r,
      long ageSeconds,
      AsciiString label,
      io.opencdn.edge.http.viewer.HeaderEdits edits) {
    HitHeaders h = r.hitHeaders();
    if (h != null && h.holds(label, ageSeconds)) {
      return h.headers();
    }
    MultiMap m = io.vertx.core.http.HttpHeaders.headers();
    AsciiString[] pairs = r.clientHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      m.add(pairs[i], pairs[i + 1]);
    }
    headers.addEdgeFields(m, label);
    m.add(AGE, age(ageSeconds));
    if (r.status() == 200) {
      m.set(ACCEPT_RANGES, BYTES);
    }
    m.set(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(r.body().length()));
    if (edits != null) {
      edits.applyStatic(m);
    }
    MultiMap readOnly = m.copy(false);
    r.hitHeaders(new HitHeaders(label, ageSeconds, readOnly));
    return readOnly;
  }

  private static CharSequence age(long seconds) {
    return seconds >= 0 && seconds < AGES.length ? AGES[(int) seconds] : Long.toString(seconds);
  }

  /** {@code only-if-cached} with nothing usable stored: 504 (RFC 9111 section 5.2.1.7). */
  void notCached(HttpServerRequest req) {
    HttpServerResponse out = req.response();
    out.setStatusCode(504);
    out.putHeader("X-Cache", "Miss from " + edgeId);
    out.putHeader("X-Edge-Location", headers.region());
    out.putHeader("Via", "1.1 " + edgeId + " (opencdn)");
    out.putHeader("Content-Type", "text/plain; charset=utf-8");
    out.putHeader("Cache-Control", "no-store");
    out.end("504 Gateway Timeout: only-if-cached and not in the cache\n");
  }

  /**
   * Streams an origin response to the client, starting with {@code prefix} (already read bytes). A
   * body that breaks off resets the client connection rather than ending the message cleanly.
   */
  void relay(HttpServerRequest req, OriginResponse res, Buffer prefix) {
    if (res.status() >= 400 && pages != null && pages.replaces(req, res.status())) {
      res.raw().request().reset();
      errorPage(req, res.status());
      return;
    }
    HttpServerResponse out = req.response();
    out.setStatusCode(res.status());
    headers.toClient(out, res.headers(), "Miss from " + edgeId);
    boolean bodyless =
        req.method() == HttpMethod.HEAD
            || res.status() == 204
            || res.status() == 304
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
    pipe.to(out)
        .onFailure(
            t -> {
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
    if (pages != null && pages.serve(req, status, () -> plainError(req, e))) {
      return;
    }
    plainError(req, e);
  }

  private void plainError(HttpServerRequest req, FillException e) {
    HttpServerResponse out = req.response();
    if (out.ended() || out.closed() || out.headWritten()) {
      return;
    }
    int status = e.kind().status();
    out.setStatusCode(status);
    out.putHeader("X-Cache", "Error from " + edgeId);
    out.putHeader("X-Edge-Location", headers.region());
    out.putHeader("Via", "1.1 " + edgeId + " (opencdn)");
    out.putHeader("Content-Type", "text/plain; charset=utf-8");
    out.putHeader("Cache-Control", "no-store");
    out.end(
        status
            + " "
            + (status == 504 ? "Gateway Timeout" : "Bad Gateway")
            + ": "
            + e.kind().name().toLowerCase()
            + " error talking to the origin\n");
  }

  /** A short plain-text answer produced by the edge itself. */
  void plain(HttpServerRequest req, int status, String text) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(text + "\n");
  }
}
