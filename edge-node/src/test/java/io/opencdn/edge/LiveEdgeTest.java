package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.live.Ffmpeg;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two edges with {@code live} in one cluster: a stream published at edge 0 is served as HLS by edge
 * 1 through its HTTP cache (playlist briefly, segments immutable: a segment is fetched from the
 * ingest once, then a hit), an HLS player through edge 1 decodes it, other paths under the prefix
 * stay content, and {@code /_cdn/live} reports the streams.
 */
class LiveEdgeTest {

  static final String TOKEN = LiveEdges.TOKEN;
  static final String HOST = "www.live.test";
  static Vertx vertx;
  static TestOrigin origin;
  static LiveEdges live;
  static final List<EdgeNode> edges = new ArrayList<>();
  static Ffmpeg.Proc publisher;

  @BeforeAll
  static void start() throws Exception {
    Ffmpeg.require();
    vertx = Vertx.vertx();
    origin =
        new TestOrigin(vertx)
            .content("/live/readme.html", "not live", "Cache-Control", "max-age=60");
    live = LiveEdges.start("live-edge", 2, origin.url());
    edges.addAll(live.edges);
  }

  @AfterAll
  static void stop() throws Exception {
    if (publisher != null) {
      publisher.close();
    }
    if (live != null) {
      live.close();
    }
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  static HttpResponse<byte[]> get(int edge, String path, String... headers) throws Exception {
    return live.get(edge, path, headers);
  }

  @Test
  void hlsOfAStreamPublishedAtOneEdgeComesThroughTheOthersCache() throws Exception {
    publisher = Ffmpeg.publish(live.publishUrl(0, "cam"));
    Await.until(
        Duration.ofSeconds(30),
        () -> {
          try {
            HttpResponse<byte[]> r = get(1, "/live/cam/index.m3u8");
            return r.statusCode() == 200 && segments(new String(r.body())).size() >= 3;
          } catch (Exception e) {
            return false;
          }
        });
    HttpResponse<byte[]> playlist = get(1, "/live/cam/index.m3u8");
    assertThat(playlist.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.apple.mpegurl");
    assertThat(playlist.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=1, stale-while-revalidate=0, stale-if-error=0");
    assertThat(playlist.headers().firstValue("X-Cache").orElse(""))
        .matches("(Hit|Miss) from edge-1.*");

    String segment = segments(new String(playlist.body())).get(0);
    HttpResponse<byte[]> first = get(1, "/live/cam/" + segment);
    HttpResponse<byte[]> second = get(1, "/live/cam/" + segment);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Cache").orElse("")).startsWith("Miss from edge-1");
    assertThat(second.headers().firstValue("X-Cache").orElse("")).startsWith("Hit from edge-1");
    assertThat(second.headers().firstValue("Cache-Control"))
        .hasValue("public, max-age=3600, immutable");
    assertThat(second.headers().firstValue("Content-Type")).hasValue("video/mp2t");
    HttpResponse<byte[]> atIngest = get(0, "/live/cam/" + segment);
    assertThat(atIngest.body()).isEqualTo(first.body()).isEqualTo(second.body());
    assertThat(atIngest.headers().firstValue("X-Cache"))
        .as("served from memory at the ingest")
        .isEmpty();
    assertThat(first.body()[0]).as("MPEG-TS sync byte").isEqualTo((byte) 0x47);

    try (Ffmpeg.Proc hls =
        Ffmpeg.play("http://127.0.0.1:" + edges.get(1).port() + "/live/cam/index.m3u8")) {
      assertThat(Await.poll(() -> hls.frames() >= 100, Duration.ofSeconds(40)))
          .as(hls.toString())
          .isTrue();
      assertThat(hls.errors()).isEmpty();
    }

    // a request that already passed an edge is not passed on; other paths under the prefix are
    // content
    assertThat(get(1, "/live/cam/index.m3u8", "Via", "1.1 edge-9 (opencdn)").statusCode())
        .isEqualTo(404);
    assertThat(get(1, "/live/nothere/index.m3u8").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> content = get(1, "/live/readme.html", "Host", HOST);
    assertThat(new String(content.body())).isEqualTo("not live");

    assertThat(get(0, "/_cdn/live").statusCode()).isEqualTo(401);
    JsonObject stats =
        new JsonObject(new String(get(0, "/_cdn/live", "Authorization", "Bearer " + TOKEN).body()));
    assertThat(stats.getJsonArray("streams").getJsonObject(0).getString("role"))
        .isEqualTo("ingest");
    assertThat(new String(get(1, "/_cdn/metrics", "Authorization", "Bearer " + TOKEN).body()))
        .contains("cdn_live_streams")
        .contains("cdn_live_rtmp_connections");
  }

  @Test
  void hmacStreamKeysNeedACluster() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    """
        id: solo
        latitude: 1
        longitude: 2
        listen: 127.0.0.1:8080
        distributions: [{host: "*", origin: "http://127.0.0.1:9090"}]
        live: {rtmp: 127.0.0.1:1935}
        """,
                    "edge.yaml",
                    EdgeConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "key 'live.streamKeys': expected static (with live.keys) without a cluster section");
  }

  static List<String> segments(String playlist) {
    return LiveEdges.segments(playlist);
  }
}
