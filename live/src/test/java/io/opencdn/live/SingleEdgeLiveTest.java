package io.opencdn.live;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.live.cluster.LocalLiveDirectory;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One edge without a cluster, static stream keys: publish with ffmpeg, play RTMP and HLS with
 * ffmpeg.
 */
class SingleEdgeLiveTest {

  static final String KEY = "single-edge-key-0123456789";

  Vertx vertx;
  LiveServer live;
  HttpServer http;
  int rtmpPort;
  int httpPort;

  @BeforeEach
  void start() throws Exception {
    Ffmpeg.require();
    vertx = Vertx.vertx();
    LiveConfig config =
        new LiveConfig(
            new Endpoint("127.0.0.1", 0),
            null,
            "static",
            Map.of("cam", KEY),
            null,
            null,
            null,
            null,
            null,
            null,
            2000,
            null,
            null);
    live =
        new LiveServer(
            vertx,
            config,
            "solo",
            "127.0.0.1",
            new LocalLiveDirectory(),
            StreamKeys.of(config, null),
            Clock.systemUTC());
    http = vertx.createHttpServer().requestHandler(live::serveHls);
    httpPort = await(http.listen(0, "127.0.0.1")).actualPort();
    rtmpPort = await(live.start(httpPort));
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void publishAndPlayOverRtmpAndHls() throws Exception {
    try (Ffmpeg.Proc publisher =
        Ffmpeg.publish("rtmp://127.0.0.1:" + rtmpPort + "/live/cam?key=" + KEY)) {
      // an HLS player starts three segments from the end of the playlist: wait for them
      assertThat(
              Await.poll(
                  () ->
                      live.stats().getJsonArray("streams").size() == 1
                          && live.stats()
                                  .getJsonArray("streams")
                                  .getJsonObject(0)
                                  .getInteger("hlsSegments", 0)
                              >= 3,
                  Duration.ofSeconds(30)))
          .as("stream published: " + publisher)
          .isTrue();
      try (Ffmpeg.Proc rtmp = Ffmpeg.play("rtmp://127.0.0.1:" + rtmpPort + "/live/cam");
          Ffmpeg.Proc hls = Ffmpeg.play("http://127.0.0.1:" + httpPort + "/live/cam/index.m3u8")) {
        assertThat(
                Await.poll(
                    () -> rtmp.frames() >= 100 && hls.frames() >= 100, Duration.ofSeconds(40)))
            .as(rtmp + "\n" + hls + "\n" + live.stats())
            .isTrue();
        assertThat(rtmp.errors()).as("rtmp player errors").isEmpty();
        assertThat(hls.errors()).as("hls player errors").isEmpty();
        System.out.println(live.stats().encodePrettily());
      }
      assertThat(publisher.errors()).isEmpty();
    }
  }
}
