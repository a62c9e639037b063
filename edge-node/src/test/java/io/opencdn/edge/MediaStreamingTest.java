package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Media through the edge as players use it: seeking in a progressive MP4 (Range requests against
 * one cached object, the origin asked once) and HLS (a short-lived playlist refreshed after it goes
 * stale while the long-lived segments stay Hits).
 */
class MediaStreamingTest extends EdgeHarness {

  static final int MP4_BYTES = 5 * 1024 * 1024;

  /**
   * 5 MiB whose every 10-byte block is its own zero-padded offset: any slice shows where it came
   * from.
   */
  static Buffer positional(int bytes) {
    StringBuilder b = new StringBuilder(bytes);
    for (int i = 0; i < bytes; i += 10) {
      b.append(String.format("%010d", i));
    }
    return Buffer.buffer(b.toString());
  }

  EdgeNode startLarge() {
    return start(config(origin.url(), 64L << 20, 16L << 20, 5000));
  }

  @Test
  void seekingInAProgressiveMp4IsServedFromOneFill() {
    Buffer video = positional(MP4_BYTES);
    String whole = video.toString();
    origin.route(
        "/movie.mp4",
        req ->
            req.response()
                .putHeader("Content-Type", "video/mp4")
                .putHeader("Cache-Control", "max-age=86400")
                .putHeader("ETag", "\"mv1\"")
                .putHeader("Last-Modified", "Wed, 31 Dec 2025 00:00:00 GMT")
                .putHeader("Accept-Ranges", "bytes")
                .end(video));
    startLarge();
    // what a browser's media element sends
    String[] media = {"Accept-Encoding", "identity;q=1, *;q=0", "Accept", "*/*"};

    Resp open = get("/movie.mp4", with(media, "Range", "bytes=0-"));
    Resp seek = get("/movie.mp4", with(media, "Range", "bytes=3000000-"));
    Resp middle = get("/movie.mp4", with(media, "Range", "bytes=1048576-1114111"));
    Resp resumed =
        get("/movie.mp4", with(media, "Range", "bytes=4000000-4000009", "If-Range", "\"mv1\""));
    Resp tail = get("/movie.mp4", with(media, "Range", "bytes=-10"));

    assertThat(open.status()).isEqualTo(206);
    assertThat(open.header("Content-Range")).isEqualTo("bytes 0-5242879/5242880");
    assertThat(open.header("Content-Length")).isEqualTo("5242880");
    assertThat(open.header("Content-Type")).isEqualTo("video/mp4");
    assertThat(open.header("Accept-Ranges")).isEqualTo("bytes");
    assertThat(open.body()).isEqualTo(whole);
    assertThat(seek.status()).isEqualTo(206);
    assertThat(seek.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(seek.header("Content-Range")).isEqualTo("bytes 3000000-5242879/5242880");
    assertThat(seek.body())
        .hasSize(MP4_BYTES - 3_000_000)
        .startsWith("0003000000")
        .isEqualTo(whole.substring(3_000_000));
    assertThat(middle.status()).isEqualTo(206);
    assertThat(middle.header("Content-Range")).isEqualTo("bytes 1048576-1114111/5242880");
    assertThat(middle.header("Content-Length")).isEqualTo("65536");
    assertThat(middle.body()).isEqualTo(whole.substring(1_048_576, 1_114_112));
    assertThat(resumed.status()).isEqualTo(206);
    assertThat(resumed.body()).isEqualTo("0004000000");
    assertThat(tail.header("Content-Range")).isEqualTo("bytes 5242870-5242879/5242880");
    assertThat(origin.count("/movie.mp4")).isEqualTo(1);
    assertThat(origin.lastHeaders().get("Range")).isNull();
  }

  @Test
  void concurrentRangeRequestsOnAMissShareOneFill() {
    Buffer video = positional(MP4_BYTES);
    String whole = video.toString();
    origin.route(
        "/clip.mp4",
        req ->
            req.response()
                .putHeader("Content-Type", "video/mp4")
                .putHeader("Cache-Control", "max-age=86400")
                .end(video));
    startLarge();

    // a player often asks for the start and the moov atom at the end before the first answer
    Future<Resp> start = send(HttpMethod.GET, "/clip.mp4", HOST, null, "Range", "bytes=0-");
    Future<Resp> end = send(HttpMethod.GET, "/clip.mp4", HOST, null, "Range", "bytes=5000000-");

    assertThat(await(start).status()).isEqualTo(206);
    assertThat(await(start).body()).isEqualTo(whole);
    assertThat(await(end).status()).isEqualTo(206);
    assertThat(await(end).header("Content-Range")).isEqualTo("bytes 5000000-5242879/5242880");
    assertThat(await(end).body()).isEqualTo(whole.substring(5_000_000));
    assertThat(origin.count("/clip.mp4")).isEqualTo(1);
  }

  @Test
  void hlsPlaylistIsRefreshedWhenStaleWhileSegmentsStayHits() {
    AtomicInteger version = new AtomicInteger(0);
    origin.route(
        "/live/index.m3u8",
        req -> {
          int v = version.get();
          String etag = "\"pl" + v + "\"";
          req.response()
              .putHeader("Content-Type", "application/vnd.apple.mpegurl")
              .putHeader("Cache-Control", "max-age=2")
              .putHeader("ETag", etag);
          if (etag.equals(req.getHeader("If-None-Match"))) {
            req.response().setStatusCode(304).end();
          } else {
            req.response().end(playlist(v, 3));
          }
        });
    for (int i = 0; i < 6; i++) {
      String seg = "segment-" + i + "-" + "s".repeat(20_000);
      origin.route(
          "/live/seg" + i + ".ts",
          req ->
              req.response()
                  .putHeader("Content-Type", "video/mp2t")
                  .putHeader("Cache-Control", "max-age=86400")
                  .end(seg));
    }
    startLarge();

    // a player: the playlist, then its segments
    Resp pl0 = get("/live/index.m3u8");
    List<Resp> first = fetchSegments(pl0.body());
    clock.advance(Duration.ofSeconds(1));
    Resp plFresh = get("/live/index.m3u8");
    // the playlist goes stale; the origin has not moved on yet: a revalidation (304)
    clock.advance(Duration.ofSeconds(2));
    Resp plSame = get("/live/index.m3u8");
    // the origin publishes a new segment; stale again: the new playlist is fetched
    version.set(1);
    clock.advance(Duration.ofSeconds(3));
    Resp pl1 = get("/live/index.m3u8");
    List<Resp> second = fetchSegments(pl1.body());

    assertThat(pl0.status()).isEqualTo(200);
    assertThat(pl0.header("Content-Type")).isEqualTo("application/vnd.apple.mpegurl");
    assertThat(pl0.header("X-Cache")).startsWith("Miss");
    assertThat(first).extracting(r -> r.header("X-Cache")).containsOnly("Miss from test-edge");
    assertThat(first).extracting(Resp::status).containsOnly(200);
    assertThat(first.get(1).body()).startsWith("segment-1-");
    assertThat(plFresh.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(plSame.header("X-Cache")).isEqualTo("RefreshHit from test-edge");
    assertThat(plSame.body()).isEqualTo(pl0.body());
    assertThat(pl1.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(pl1.body()).isEqualTo(playlist(1, 3)).contains("seg3.ts").doesNotContain("seg0.ts");
    // seg1 and seg2 again: Hits; seg3 is new
    assertThat(second)
        .extracting(r -> r.header("X-Cache"))
        .containsExactly("Hit from test-edge", "Hit from test-edge", "Miss from test-edge");
    assertThat(second.get(2).body()).startsWith("segment-3-");
    assertThat(second.get(0).header("Content-Type")).isEqualTo("video/mp2t");
    assertThat(second.get(0).header("Age")).isEqualTo("6");
    assertThat(origin.count("/live/index.m3u8")).isEqualTo(3);
    for (int i = 0; i < 4; i++) {
      assertThat(origin.count("/live/seg" + i + ".ts")).isEqualTo(1);
    }
  }

  static String playlist(int firstSegment, int count) {
    StringBuilder b =
        new StringBuilder(
                "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:")
            .append(firstSegment)
            .append('\n');
    for (int i = firstSegment; i < firstSegment + count; i++) {
      b.append("#EXTINF:2.000,\nseg").append(i).append(".ts\n");
    }
    return b.toString();
  }

  /** GETs every segment a playlist lists (relative to /live/), in order. */
  List<Resp> fetchSegments(String playlist) {
    List<Resp> out = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(get("/live/" + line.trim()));
      }
    }
    return out;
  }

  static String[] with(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }
}
