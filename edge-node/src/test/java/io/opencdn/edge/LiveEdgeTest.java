package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.live.Ffmpeg;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  static final String TOKEN = "live-edge-admin-token-0123456789";
  static final String HOST = "www.live.test";
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static Vertx vertx;
  static TestOrigin origin;
  static final List<Vertx> edgeVertx = new ArrayList<>();
  static TestCluster members;
  static final List<EdgeNode> edges = new ArrayList<>();
  static String secret;
  static Ffmpeg.Proc publisher;

  @BeforeAll
  static void start() throws Exception {
    Ffmpeg.require();
    vertx = Vertx.vertx();
    origin =
        new TestOrigin(vertx)
            .content("/live/readme.html", "not live", "Cache-Control", "max-age=60");
    secret = "live-edge-secret-" + System.nanoTime();
    members = TestCluster.builder("live-edge").secret(secret).members(2).start();
    for (int i = 0; i < 2; i++) {
      ClusterConfig c = members.config(i);
      HazelcastInstance hz = members.member(i);
      EdgeConfig cfg =
          EdgeConfig.builder()
              .id("edge-" + i)
              .region("eu")
              .latitude(50.0)
              .longitude(8.0)
              .listen(Endpoint.parse("127.0.0.1:" + Ports.free()))
              .capacity(100)
              .adminToken(TOKEN)
              .cache(new CacheConfig(64L << 20, 8L << 20))
              .origin(new OriginConfig(1000, 5000))
              .distributions(List.of(new DistributionConfig(HOST, origin.url())))
              .cluster(c)
              .live(LiveConfig.on(new Endpoint("127.0.0.1", 0)))
              .build();
      Vertx v = Vertx.vertx();
      edgeVertx.add(v);
      EdgeNode edge = new EdgeNode(v, cfg, hz, Clock.systemUTC());
      Await.await(edge.start());
      edges.add(edge);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (publisher != null) {
      publisher.close();
    }
    edges.forEach(e -> Await.await(e.stop()));
    edgeVertx.forEach(v -> Await.await(v.close()));
    if (members != null) {
      members.close();
    }
    if (vertx != null) {
      Await.await(vertx.close());
    }
  }

  static HttpResponse<byte[]> get(int edge, String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edges.get(edge).port() + path))
            .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void hlsOfAStreamPublishedAtOneEdgeComesThroughTheOthersCache() throws Exception {
    String key = StreamKeys.hmac(secret).keyFor("cam");
    publisher =
        Ffmpeg.publish(
            "rtmp://127.0.0.1:" + edges.get(0).live().rtmpPort() + "/live/cam?key=" + key);
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
    Matcher m = Pattern.compile("(?m)^([0-9]+-[0-9a-f]+\\.ts)$").matcher(playlist);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
