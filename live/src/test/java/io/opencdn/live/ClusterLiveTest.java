package io.opencdn.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.relay.RtmpClient;
import io.opencdn.live.rtmp.ChunkWriter;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.stream.FlvTag;
import io.opencdn.testing.Await;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three edges in a Hazelcast cluster, real ffmpeg: a stream published at one edge is played over
 * RTMP at all three, each other edge pulling it once; a new player's first frame comes within a
 * second; a wrong key is refused before any media; the publisher reconnecting at another edge
 * continues the stream for every player; killing an edge costs only its own players.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLiveTest {

  static LiveCluster cluster;
  static String key;
  static Ffmpeg.Proc publisher;
  static final List<Ffmpeg.Proc> players = new ArrayList<>();
  static Ffmpeg.Proc onA;
  static Ffmpeg.Proc onB1;
  static Ffmpeg.Proc onB2;
  static Ffmpeg.Proc onC;

  @BeforeAll
  static void start() throws Exception {
    Ffmpeg.require();
    LiveConfig config =
        new LiveConfig(
            new Endpoint("127.0.0.1", 0),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            15_000,
            2000,
            null);
    cluster = new LiveCluster(config, "edge-a", "edge-b", "edge-c");
    key = StreamKeys.hmac(cluster.secret).keyFor("cam");
  }

  @AfterAll
  static void stop() throws Exception {
    for (Ffmpeg.Proc p : players) {
      p.close();
    }
    if (publisher != null) {
      publisher.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  static JsonObject stream(LiveCluster.Edge e, String name) {
    return e.live.stats().getJsonArray("streams").stream()
        .map(JsonObject.class::cast)
        .filter(o -> o.getString("name").equals(name))
        .findFirst()
        .orElse(null);
  }

  static Ffmpeg.Proc player(LiveCluster.Edge e) throws Exception {
    Ffmpeg.Proc p = Ffmpeg.play(e.rtmp("cam"));
    players.add(p);
    return p;
  }

  @Test
  @Order(1)
  void aWrongKeyIsRefusedBeforeAnyMedia() throws Exception {
    LiveCluster.Edge a = cluster.edge("edge-a");
    try (RawRtmp raw = new RawRtmp("127.0.0.1", a.rtmpPort)) {
      raw.command(
          0,
          "connect",
          1,
          io.opencdn.live.rtmp.Command.object("app", "live", "tcUrl", "rtmp://127.0.0.1/live"));
      raw.command(0, "createStream", 2, (Object) null);
      raw.command(
          1, "publish", 0, null, "cam?key=" + key.replace('a', 'b').replace('0', '1'), "live");
      // media right behind the publish, without waiting for the answer
      raw.send(
          ChunkWriter.encode(
              6, MessageType.VIDEO, 0, 1, new byte[] {0x17, 0, 0, 0, 0, 1, 2, 3}, 128));
      raw.readFor(5000);
      assertThat(raw.statusCodes()).containsExactly("NetStream.Publish.Denied");
      assertThat(raw.closedByServer).as("connection closed").isTrue();
    }
    assertThat(stream(a, "cam")).as("no stream was created").isNull();
    try (Ffmpeg.Proc wrong = Ffmpeg.publish(a.rtmp("cam?key=0123456789abcdef0123456789abcdef"))) {
      assertThat(wrong.await(Duration.ofSeconds(20)))
          .as("ffmpeg with a wrong key exits with an error")
          .isGreaterThan(0);
      assertThat(String.join("\n", wrong.errors())).contains("wrong stream key for cam");
    }
    assertThat(stream(a, "cam")).isNull();
  }

  @Test
  @Order(2)
  void everyEdgePlaysTheStreamPullingItOnce() throws Exception {
    LiveCluster.Edge a = cluster.edge("edge-a");
    LiveCluster.Edge b = cluster.edge("edge-b");
    LiveCluster.Edge c = cluster.edge("edge-c");
    publisher = Ffmpeg.publish(a.rtmp("cam?key=" + key));
    assertThat(
            Await.poll(
                () -> stream(a, "cam") != null && stream(a, "cam").getLong("messages") > 50,
                Duration.ofSeconds(30)))
        .as("published: " + publisher)
        .isTrue();
    onA = player(a);
    onB1 = player(b);
    onB2 = player(b);
    onC = player(c);
    assertThat(
            Await.poll(
                () ->
                    players.stream()
                        .allMatch(p -> p.frames() >= 75 && p.outTimeMicros() >= 2_000_000),
                Duration.ofSeconds(40)))
        .as("every player decodes, its timestamps advancing: " + players)
        .isTrue();
    for (Ffmpeg.Proc p : players) {
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
    // one upstream per stream per edge: the ingest serves exactly one relay to each other edge
    JsonObject ingest = stream(a, "cam");
    assertThat(ingest.getString("role")).isEqualTo("ingest");
    assertThat(ingest.getInteger("relays")).as(ingest.encode()).isEqualTo(2);
    assertThat(ingest.getInteger("players")).isEqualTo(1);
    JsonObject relayB = stream(b, "cam");
    assertThat(relayB.getString("role")).isEqualTo("relay");
    assertThat(relayB.getString("upstream")).isEqualTo("edge-a");
    assertThat(relayB.getInteger("players")).isEqualTo(2);
    assertThat(relayB.getLong("upstreamConnectionsOpened")).as(relayB.encode()).isEqualTo(1);
    assertThat(stream(c, "cam").getLong("upstreamConnectionsOpened")).isEqualTo(1);
  }

  @Test
  @Order(3)
  void aNewPlayerGetsAKeyFrameWithinASecond() throws Exception {
    for (LiveCluster.Edge e : cluster.edges) {
      CompletableFuture<Long> firstKeyFrame = new CompletableFuture<>();
      RtmpClient client = new RtmpClient(e.vertx, 4096, 8 << 20, 2_500_000, "test");
      long start = System.nanoTime();
      client.play(
          "127.0.0.1",
          e.rtmpPort,
          "live",
          "cam",
          (type, ts, payload) -> {
            if (type == MessageType.VIDEO && FlvTag.isKeyFrame(payload)) {
              firstKeyFrame.complete(System.nanoTime() - start);
            }
          });
      long nanos = firstKeyFrame.get(10, TimeUnit.SECONDS);
      client.close();
      // the figure for the README (measured, not asserted beyond the bound)
      System.out.printf(
          "first key frame at %s: %.1f ms after play (connect, handshake, connect/createStream/play)%n",
          e.id, nanos / 1e6);
      assertThat(Duration.ofNanos(nanos))
          .as("first key frame at " + e.id)
          .isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  @Order(4)
  void thePublisherReconnectingAtAnotherEdgeContinuesTheStream() throws Exception {
    LiveCluster.Edge a = cluster.edge("edge-a");
    LiveCluster.Edge b = cluster.edge("edge-b");
    publisher.close();
    long[] before = players.stream().mapToLong(Ffmpeg.Proc::outTimeMicros).toArray();
    long[] framesBefore = players.stream().mapToLong(Ffmpeg.Proc::frames).toArray();
    publisher = Ffmpeg.publish(b.rtmp("cam?key=" + key));
    assertThat(
            Await.poll(
                () -> "ingest".equals(stream(b, "cam").getString("role")), Duration.ofSeconds(30)))
        .as("edge-b is the ingest now: " + stream(b, "cam"))
        .isTrue();
    assertThat(
            Await.poll(
                () ->
                    stream(a, "cam") != null
                        && "relay".equals(stream(a, "cam").getString("role"))
                        && stream(a, "cam").getBoolean("upstreamConnected"),
                Duration.ofSeconds(30)))
        .as("edge-a relays from edge-b: " + stream(a, "cam"))
        .isTrue();
    // every player goes on: 4 s more of frames decoded, its timestamps past where they were, no
    // errors
    assertThat(
            Await.poll(
                () -> {
                  for (int i = 0; i < players.size(); i++) {
                    if (players.get(i).frames() < framesBefore[i] + 100
                        || players.get(i).outTimeMicros() < before[i] + 4_000_000) {
                      return false;
                    }
                  }
                  return true;
                },
                Duration.ofSeconds(40)))
        .as("players continue: " + players)
        .isTrue();
    for (Ffmpeg.Proc p : players) {
      assertThat(p.alive()).as(p.toString()).isTrue();
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
    assertThat(stream(cluster.edge("edge-c"), "cam").getString("upstream")).isEqualTo("edge-b");
  }

  @Test
  @Order(5)
  void killingAnEdgeCostsOnlyItsOwnPlayers() throws Exception {
    LiveCluster.Edge c = cluster.edge("edge-c");
    c.kill();
    assertThat(onC.await(Duration.ofSeconds(20)))
        .as("the player of the killed edge ends")
        .isGreaterThanOrEqualTo(0);
    long[] before = {onA.frames(), onB1.frames(), onB2.frames()};
    assertThat(
            Await.poll(
                () ->
                    onA.frames() > before[0] + 75
                        && onB1.frames() > before[1] + 75
                        && onB2.frames() > before[2] + 75,
                Duration.ofSeconds(30)))
        .as("the others go on: " + onA + "\n" + onB1 + "\n" + onB2)
        .isTrue();
    for (Ffmpeg.Proc p : List.of(onA, onB1, onB2)) {
      assertThat(p.errors()).as("errors of " + p).isEmpty();
    }
  }
}
