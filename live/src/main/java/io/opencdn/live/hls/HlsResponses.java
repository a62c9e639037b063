package io.opencdn.live.hls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The ingest edge's HTTP answers for live HLS, with the cache headers that let every other edge's
 * HTTP cache carry them: the playlist for at most half a segment ({@code max-age}, never stale: a
 * stale-while-revalidate or stale-if-error default of the cache does not apply), segments for an
 * hour and {@code immutable} (a segment name is never reused), and a missing stream or segment not
 * at all ({@code no-store}).
 */
public final class HlsResponses {

  /** Content type of playlists (RFC 8216 4). */
  public static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";

  /** Content type of MPEG-TS segments. */
  public static final String SEGMENT_TYPE = "video/mp2t";

  /** How long caches keep a segment. */
  static final int SEGMENT_MAX_AGE = 3600;

  private HlsResponses() {}

  /** Answers {@code req} for {@code path} from {@code packager} (null: the stream is not here). */
  public static void serve(
      HttpServerRequest req, HlsPath path, HlsPackager packager, int segmentMillis) {
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      req.response()
          .setStatusCode(405)
          .putHeader("Allow", "GET, HEAD")
          .putHeader("Cache-Control", "no-store")
          .end();
      return;
    }
    if (packager == null) {
      missing(req, "no live stream " + path.stream() + " here");
      return;
    }
    if (path.playlist()) {
      String text = packager.playlist();
      if (text == null) {
        missing(req, "stream " + path.stream() + " has no complete segment yet");
        return;
      }
      int maxAge = Math.max(1, segmentMillis / 2000);
      send(
          req,
          PLAYLIST_TYPE,
          "public, max-age=" + maxAge + ", stale-while-revalidate=0, stale-if-error=0",
          Buffer.buffer(text));
      return;
    }
    Segment s = packager.segment(path.file());
    if (s == null) {
      missing(req, "segment " + path.file() + " of " + path.stream() + " is not kept (any more)");
      return;
    }
    send(
        req,
        SEGMENT_TYPE,
        "public, max-age=" + SEGMENT_MAX_AGE + ", immutable",
        Buffer.buffer(s.data()));
  }

  /** 404 with {@code no-store}. */
  public static void missing(HttpServerRequest req, String why) {
    req.response()
        .setStatusCode(404)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end("404 Not Found: " + why + "\n");
  }

  private static void send(HttpServerRequest req, String type, String cacheControl, Buffer body) {
    HttpServerResponse r =
        req.response()
            .setStatusCode(200)
            .putHeader("Content-Type", type)
            .putHeader("Cache-Control", cacheControl)
            .putHeader("Access-Control-Allow-Origin", "*");
    if (req.method() == HttpMethod.HEAD) {
      r.putHeader("Content-Length", String.valueOf(body.length())).end();
    } else {
      r.end(body);
    }
  }
}
