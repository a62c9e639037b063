package io.opencdn.origin.files;

import io.opencdn.origin.http.ByteRange;
import io.opencdn.origin.http.Conditionals;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Runs before vertx-web's {@code StaticHandler} for files under the root directory. It refuses path
 * traversal (a {@code ..} segment, also percent-encoded, or a path that resolves outside the root:
 * 400), then stats the file and adds what {@code StaticHandler} does not: a strong {@code ETag}
 * ({@code "<size hex>-<mtime ms hex>"}), {@code Last-Modified}, the configured {@code
 * Cache-Control}, 304 for {@code If-None-Match}/{@code If-Modified-Since} (RFC 9110 §13.2.2),
 * {@code If-Range} (§13.1.5), suffix ranges and 416 (§14). The body, HEAD, content type and byte
 * ranges are left to {@code StaticHandler}. A path with a hidden segment ({@code .git/...}) is 404.
 */
public final class FileValidators implements Handler<RoutingContext> {

  private final Path root;
  private final String cacheControl;
  private final Clock clock;

  /**
   * @param root directory served at {@code /}
   * @param cacheControl {@code Cache-Control} of every file; empty for none
   * @param clock source of the {@code Date} header
   */
  public FileValidators(Path root, String cacheControl, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.cacheControl = cacheControl;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String decoded = percentDecode(ctx.request().path());
    if (decoded == null
        || decoded.indexOf('\0') >= 0
        || decoded.indexOf('\\') >= 0
        || hasDotDot(decoded)) {
      refuse(ctx, "path traversal refused");
      return;
    }
    String normalized = percentDecode(ctx.normalizedPath());
    Path target =
        normalized == null ? null : root.resolve(normalized.replaceFirst("^/+", "")).normalize();
    if (target == null || !target.startsWith(root)) {
      refuse(ctx, "path traversal refused");
      return;
    }
    for (Path part : root.relativize(target)) {
      if (part.toString().startsWith(".")) {
        ctx.fail(404);
        return;
      }
    }
    ctx.vertx()
        .fileSystem()
        .props(target.toString())
        .compose(
            p ->
                p.isDirectory()
                    ? ctx.vertx().fileSystem().props(target.resolve("index.html").toString())
                    : Future.succeededFuture(p))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().isRegularFile()) {
                validate(ctx, ar.result(), target);
              } else {
                ctx.next();
              }
            });
  }

  private void validate(RoutingContext ctx, FileProps props, Path target) {
    HttpServerResponse resp = ctx.response();
    String type =
        MimeMapping.mimeTypeForFilename(
            target.getFileName() == null ? "" : target.getFileName().toString());
    if (type != null && ctx.request().method() == HttpMethod.HEAD) {
      resp.putHeader("Content-Type", type.startsWith("text") ? type + ";charset=UTF-8" : type);
    }
    long lastModified = props.lastModifiedTime() / 1000;
    String etag =
        "\""
            + Long.toHexString(props.size())
            + "-"
            + Long.toHexString(props.lastModifiedTime())
            + "\"";
    resp.putHeader("Date", Conditionals.httpDate(clock.instant().getEpochSecond()));
    resp.putHeader("ETag", etag);
    resp.putHeader("Last-Modified", Conditionals.httpDate(lastModified));
    if (!cacheControl.isEmpty()) {
      resp.putHeader("Cache-Control", cacheControl);
    }
    if (Conditionals.notModified(ctx.request().headers(), etag, lastModified)) {
      resp.setStatusCode(304).end();
      return;
    }
    String rangeHeader = ctx.request().getHeader("Range");
    if (rangeHeader != null) {
      ByteRange range =
          Conditionals.rangeAllowed(ctx.request().headers(), etag, lastModified)
              ? ByteRange.parse(rangeHeader, props.size())
              : null;
      if (range == ByteRange.UNSATISFIABLE) {
        resp.setStatusCode(416).putHeader("Content-Range", "bytes */" + props.size()).end();
        return;
      }
      if (range == null) {
        ctx.request().headers().remove("Range");
      } else {
        ctx.request().headers().set("Range", "bytes=" + range.first() + "-" + range.last());
      }
    }
    ctx.request().headers().remove("If-Modified-Since").remove("If-None-Match").remove("If-Range");
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, String why) {
    ctx.response()
        .setStatusCode(400)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(why + "\n");
  }

  private static boolean hasDotDot(String path) {
    for (String seg : path.split("/", -1)) {
      if (seg.equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** Decodes {@code %XX} escapes as UTF-8 ({@code +} stays a plus); null when malformed. */
  static String percentDecode(String s) {
    if (s == null) {
      return null;
    }
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else {
        int next = s.indexOf('%', i);
        int end = next < 0 ? s.length() : next;
        byte[] b = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i = end - 1;
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
