package io.opencdn.origin.gen;

import io.opencdn.origin.http.ByteRange;
import io.opencdn.origin.http.Conditionals;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Serves synthetic objects under {@code /gen/}: a body of {@code size} deterministic bytes ({@link
 * SyntheticBody}, seeded by the request path) with the validators and cache headers the query
 * string asks for ({@link SyntheticSpec}).
 *
 * <p>For status 200 it evaluates {@code If-None-Match}/{@code If-Modified-Since} (304, RFC 9110
 * §13.2.2), {@code If-Range} (§13.1.5) and a single {@code Range} (206, or 416 with {@code
 * Content-Range: bytes *}{@code /N}, §14). HEAD gets the same head as GET and no body. Delays use a
 * Vert.x timer; nothing blocks the event loop.
 */
public final class SyntheticHandler implements Handler<RoutingContext> {

  private final Clock clock;

  /**
   * @param clock source of the {@code Date} header
   */
  public SyntheticHandler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    SyntheticSpec spec;
    try {
      spec = SyntheticSpec.parse(ctx.request().params());
    } catch (SyntheticSpec.BadParameterException e) {
      ctx.response()
          .setStatusCode(400)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(e.getMessage() + "\n");
      return;
    }
    if (spec.delayMillis() > 0) {
      ctx.vertx().setTimer(spec.delayMillis(), id -> respond(ctx, spec));
    } else {
      respond(ctx, spec);
    }
  }

  /** The strong entity tag of the object with body seed {@code seed} and {@code size} bytes. */
  public static String etag(String seed, long size) {
    return "\"" + HexFormat.of().formatHex(SyntheticBody.sha256(seed + "|" + size), 0, 10) + "\"";
  }

  /** The body seed: the path, plus the varied header and its value when {@code vary=} is set. */
  public static String seed(String path, String varyHeader, String varyValue) {
    return varyHeader == null
        ? path
        : path
            + "\n"
            + varyHeader.toLowerCase(Locale.ROOT)
            + ": "
            + (varyValue == null ? "" : varyValue);
  }

  private void respond(RoutingContext ctx, SyntheticSpec spec) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    if (resp.closed() || resp.ended()) {
      return;
    }
    String seed =
        seed(req.path(), spec.vary(), spec.vary() == null ? null : req.getHeader(spec.vary()));
    String etag = spec.etag() ? etag(seed, spec.size()) : null;
    long size = spec.size();
    resp.putHeader("Date", Conditionals.httpDate(clock.instant().getEpochSecond()));
    resp.putHeader("Last-Modified", Conditionals.httpDate(spec.lastModified()));
    if (etag != null) {
      resp.putHeader("ETag", etag);
    }
    if (!spec.cacheControl().isEmpty()) {
      resp.putHeader("Cache-Control", spec.cacheControl());
    }
    if (spec.vary() != null) {
      resp.putHeader("Vary", spec.vary());
    }
    if (spec.surrogateKey() != null) {
      resp.putHeader("Surrogate-Key", spec.surrogateKey());
    }
    resp.putHeader("Accept-Ranges", "bytes");

    int status = spec.status();
    long from = 0;
    long length = size;
    if (status == 200) {
      if (Conditionals.notModified(req.headers(), etag, spec.lastModified())) {
        resp.setStatusCode(304).end();
        return;
      }
      ByteRange range =
          Conditionals.rangeAllowed(req.headers(), etag, spec.lastModified())
              ? ByteRange.parse(req.getHeader("Range"), size)
              : null;
      if (range == ByteRange.UNSATISFIABLE) {
        resp.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
        return;
      }
      if (range != null) {
        status = 206;
        from = range.first();
        length = range.length();
        resp.putHeader("Content-Range", range.contentRange(size));
      }
    }
    resp.setStatusCode(status);
    if (status == 204 || status == 304) {
      resp.end();
      return;
    }
    resp.putHeader("Content-Type", spec.contentType());
    if (spec.chunked()) {
      resp.setChunked(true);
    } else {
      resp.putHeader("Content-Length", Long.toString(length));
    }
    if (req.method() == HttpMethod.HEAD) {
      resp.end();
      return;
    }
    boolean truncate = spec.truncate() >= 0 && spec.truncate() < length;
    long to = from + (truncate ? spec.truncate() : length);
    long start = from;
    Future<Void> head = truncate ? resp.writeHead() : Future.succeededFuture();
    head.compose(v -> BodyWriter.write(resp, SyntheticBody.of(seed), start, to))
        .onSuccess(
            v -> {
              if (truncate) {
                req.connection().close();
              } else {
                resp.end();
              }
            });
  }
}
