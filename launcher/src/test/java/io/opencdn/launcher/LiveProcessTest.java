package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.live.Ffmpeg;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.testing.Await;
import io.opencdn.testing.Ports;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live streaming through the product as users start it: three {@code ./cdn edge --config FILE}
 * processes in one cluster (loopback, ports the test picks), ffmpeg publishing to one of them,
 * ffmpeg playing RTMP on all three and HLS through the other two (their HTTP caches), {@code
 * /_cdn/live} showing one upstream per edge, the publisher restarting, and one edge killed with
 * SIGKILL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveProcessTest {

  static final String TOKEN = "live-process-token-0123456789";
  static final String SECRET = "live-process-secret-" + System.nanoTime();
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  static final String[] IDS = {"live-a", "live-b", "live-c"};

  @TempDir static Path dir;
  static final List<CommandProcess> edges = new ArrayList<>();
  static final int[] http = new int[3];
  static final int[] rtmp = new int[3];
  static final List<Ffmpeg.Proc> players = new ArrayList<>();
  static Ffmpeg.Proc publisher;
  static Ffmpeg.Proc rtmpA;
  static Ffmpeg.Proc rtmpB;
  static Ffmpeg.Proc rtmpC;
  static Ffmpeg.Proc hlsB;
  static Ffmpeg.Proc hlsC;

  @BeforeAll
  static void startEdges() throws Exception {
    Ffmpeg.require();
    int base = Ports.free();
    for (int i = 0; i < 3; i++) {
      http[i] = Ports.free();
      rtmp[i] = Ports.free();
      Path cfg = dir.resolve(IDS[i] + ".yaml");
      Files.writeString(
          cfg,
          """
          id: %s
          latitude: 50
          longitude: 8
          listen: 127.0.0.1:%d
          adminToken: %s
          distributions: [{host: www.live.test, origin: "http://127.0.0.1:9"}]
          cluster: {name: live-process, secret: %s, bind: "127.0.0.1:%d", members: ["127.0.0.1:%d-%d"]}
          live: {rtmp: "127.0.0.1:%d", hls: {segmentMillis: 1000}}
          """
              .formatted(IDS[i], http[i], TOKEN, SECRET, base + i, base, base + 3, rtmp[i]));
      CommandProcess edge = CommandProcess.start(IDS[i], "edge", "--config", cfg.toString());
      edges.add(edge);
      // one member at a time: members starting together on a busy machine join slowly (issue 25)
      edge.await(
          Pattern.compile("edge " + IDS[i] + " listening on http://127\\.0\\.0\\.1:" + http[i]),
          Duration.ofSeconds(120));
    }
  }

  @AfterAll
  static void stopEverything() throws Exception {
    for (Ffmpeg.Proc p : players) {
      p.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    for (CommandProcess e : edges) {
      if (e.isAlive()) {
        e.stop();
      }
    }
  }

  static JsonObject live(int edge, String stream) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http[edge] + "/_cdn/live"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body())
          .getJsonArray("streams").stream()
              .map(JsonObject.class::cast)
              .filter(o -> o.getString("name").equals(stream))
              .findFirst()
              .orElse(null);
    } catch (Exception e) {
      return null;
    }
  }

  static Ffmpeg.Proc play(String url) throws Exception {
    Ffmpeg.Proc p = Ffmpeg.play(url);
    players.add(p);
    return p;
  }

  static String rtmpUrl(int edge) {
    return "rtmp://127.0.0.1:" + rtmp[edge] + "/live/show";
  }

  @Test
  @Order(1)
  void everyEdgePlaysOverRtmpAndHlsPullingTheStreamOnce() throws Exception {
    String key = StreamKeys.hmac(SECRET).keyFor("show");
    publisher = Ffmpeg.publish(rtmpUrl(0) + "?key=" + key);
    assertThat(
            Await.poll(
                () -> {
                  JsonObject s = live(0, "show");
                  return s != null && s.getInteger("hlsSegments", 0) >= 3;
                },
                Duration.ofSeconds(40)))
        .as("published at live-a: " + live(0, "show") + " " + publisher)
        .isTrue();
    rtmpA = play(rtmpUrl(0));
    rtmpB = play(rtmpUrl(1));
    rtmpC = play(rtmpUrl(2));
    hlsB = play("http://127.0.0.1:" + http[1] + "/live/show/index.m3u8");
    hlsC = play("http://127.0.0.1:" + http[2] + "/live/show/index.m3u8");
    assertThat(
            Await.poll(
                () ->
                    players.stream()
                        .allMatch(p -> p.frames() >= 75 && p.outTimeMicros() >= 2_000_000),
                Duration.ofSeconds(60)))
        .as("every player decodes, timestamps advancing: " + players)
        .isTrue();
    for (Ffmpeg.Proc p : players) {
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
    JsonObject ingest = live(0, "show");
    assertThat(ingest.getString("role")).isEqualTo("ingest");
    assertThat(ingest.getInteger("relays"))
        .as("one relay from each other edge: " + ingest)
        .isEqualTo(2);
    for (int i = 1; i < 3; i++) {
      JsonObject relay = live(i, "show");
      assertThat(relay.getString("role")).isEqualTo("relay");
      assertThat(relay.getString("upstream")).isEqualTo("live-a");
      assertThat(relay.getLong("upstreamConnectionsOpened")).as(relay.encode()).isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void thePublisherRestartingContinuesTheStreamForEveryPlayer() throws Exception {
    publisher.close();
    long[] before = players.stream().mapToLong(Ffmpeg.Proc::frames).toArray();
    publisher = Ffmpeg.publish(rtmpUrl(0) + "?key=" + StreamKeys.hmac(SECRET).keyFor("show"));
    assertThat(
            Await.poll(
                () -> {
                  for (int i = 0; i < players.size(); i++) {
                    if (players.get(i).frames() < before[i] + 100) {
                      return false;
                    }
                  }
                  return true;
                },
                Duration.ofSeconds(60)))
        .as("players continue: " + players)
        .isTrue();
    for (Ffmpeg.Proc p : players) {
      assertThat(p.alive()).as(p.toString()).isTrue();
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
    for (int i = 1; i < 3; i++) {
      assertThat(live(i, "show").getLong("upstreamConnectionsOpened"))
          .as("the relays stayed connected")
          .isEqualTo(1);
    }
  }

  @Test
  @Order(3)
  void killingAnEdgeCostsOnlyItsOwnPlayers() throws Exception {
    ProcessHandle.of(edges.get(2).pid()).orElseThrow().destroyForcibly();
    assertThat(rtmpC.await(Duration.ofSeconds(30)))
        .as("the RTMP player of the killed edge ends")
        .isGreaterThanOrEqualTo(0);
    long[] before = {rtmpA.frames(), rtmpB.frames(), hlsB.frames()};
    assertThat(
            Await.poll(
                () ->
                    rtmpA.frames() > before[0] + 75
                        && rtmpB.frames() > before[1] + 75
                        && hlsB.frames() > before[2] + 75,
                Duration.ofSeconds(40)))
        .as("the others go on: " + rtmpA + "\n" + rtmpB + "\n" + hlsB)
        .isTrue();
    for (Ffmpeg.Proc p : List.of(rtmpA, rtmpB)) {
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
    assertThat(live(0, "show").getInteger("relays")).as("live-c's relay is gone").isEqualTo(1);
  }
}
