package io.opencdn.live;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.live.cluster.LocalLiveDirectory;
import io.opencdn.live.cluster.StreamKeys;
import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.rtmp.ChunkWriter;
import io.opencdn.live.rtmp.Command;
import io.opencdn.live.rtmp.Control;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RTMP session rules at the protocol level, with a client that sends exactly what the test
 * says: what the server announces on connect, acknowledgements of the window the client sets, ping,
 * refusals, malformed input closing only its own connection, and a slow player dropped while a fast
 * one gets everything.
 */
class RtmpSessionTest {

  static final String KEY = "session-test-key-0123456789";
  Vertx vertx;
  LiveServer live;
  int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    LiveConfig config =
        new LiveConfig(
            new Endpoint("127.0.0.1", 0),
            null,
            "static",
            Map.of("cam", KEY),
            8192,
            1_000_000,
            1 << 20,
            4 << 20,
            1 << 20,
            null,
            1000,
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
    port = await(live.start(0));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void connectAnnouncesWindowBandwidthAndChunkSizeThenAcknowledgesTheClientsWindow()
      throws Exception {
    try (RawRtmp c = new RawRtmp("127.0.0.1", port)) {
      c.command(0, "connect", 1, Command.object("app", "live", "tcUrl", "rtmp://127.0.0.1/live"));
      c.readFor(1000);
      // Set Chunk Size is applied by the reader (not handed on): the _result came in chunks of 8192
      assertThat(c.messages)
          .extracting(RtmpMessage::type)
          .startsWith(
              MessageType.WINDOW_ACK_SIZE,
              MessageType.SET_PEER_BANDWIDTH,
              MessageType.COMMAND_AMF0);
      assertThat(c.chunkSize()).isEqualTo(8192);
      assertThat(Control.readUint32(c.messages.get(0).payload(), "")).isEqualTo(1_000_000);
      assertThat(c.messages.get(1).payload()).containsExactly(0, 0x0F, 0x42, 0x40, 2);
      Command result = Command.parse(c.messages.get(2).payload());
      assertThat(result.name()).isEqualTo("_result");
      assertThat(result.transaction()).isEqualTo(1.0);
      assertThat(((Map<?, ?>) result.args().get(0)).get("code"))
          .isEqualTo("NetConnection.Connect.Success");

      c.send(Control.windowAckSize(5000));
      c.send(Control.userControl(Control.PING_REQUEST, 1234));
      for (int i = 0; i < 4; i++) { // 4 x ~1 KB of shared object messages, which the server ignores
        c.send(ChunkWriter.encode(3, MessageType.SHARED_OBJECT_AMF0, 0, 0, new byte[1000], 128));
      }
      c.readFor(1000);
      assertThat(c.count(MessageType.ACKNOWLEDGEMENT)).as("not yet a window's worth").isZero();
      for (int i = 0; i < 3; i++) {
        c.send(ChunkWriter.encode(3, MessageType.SHARED_OBJECT_AMF0, 0, 0, new byte[1000], 128));
      }
      c.readFor(1000);
      RtmpMessage ack =
          c.messages.stream()
              .filter(m -> m.type() == MessageType.ACKNOWLEDGEMENT)
              .findFirst()
              .orElseThrow();
      // the sequence number is what the server had received when it noticed the window was full
      assertThat(Control.readUint32(ack.payload(), "")).isBetween(5000L, 7300L);
      RtmpMessage pong =
          c.messages.stream()
              .filter(m -> m.type() == MessageType.USER_CONTROL)
              .findFirst()
              .orElseThrow();
      assertThat(Control.userControlEvent(pong.payload())).isEqualTo(Control.PING_RESPONSE);
      assertThat(Control.userControlArgument(pong.payload())).isEqualTo(1234);
      assertThat(c.closedByServer).isFalse();
    }
  }

  @Test
  void anUnknownApplicationOrStreamIsRefused() throws Exception {
    try (RawRtmp c = new RawRtmp("127.0.0.1", port)) {
      c.command(0, "connect", 1, Command.object("app", "other"));
      c.readFor(3000);
      Command error = Command.parse(c.messages.get(c.messages.size() - 1).payload());
      assertThat(error.name()).isEqualTo("_error");
      assertThat(((Map<?, ?>) error.args().get(0)).get("code"))
          .isEqualTo("NetConnection.Connect.Rejected");
      assertThat(c.closedByServer).isTrue();
    }
    try (RawRtmp c = new RawRtmp("127.0.0.1", port)) {
      c.connectAndCreateStream();
      c.command(1, "play", 0, null, "nothere");
      c.readFor(3000);
      assertThat(c.statusCodes()).containsExactly("NetStream.Play.StreamNotFound");
      assertThat(c.closedByServer).isTrue();
    }
    try (RawRtmp c = new RawRtmp("127.0.0.1", port)) {
      c.connectAndCreateStream();
      c.command(1, "publish", 0, null, "../etc?key=" + KEY, "live");
      c.readFor(3000);
      assertThat(c.statusCodes()).containsExactly("NetStream.Publish.BadName");
      assertThat(c.closedByServer).isTrue();
    }
  }

  @Test
  void malformedInputClosesOnlyItsConnectionAndASlowPlayerIsDroppedWhileOthersGetEverything()
      throws Exception {
    try (RawRtmp publisher = new RawRtmp("127.0.0.1", port);
        RawRtmp garbage = new RawRtmp("127.0.0.1", port)) {
      publisher.connectAndCreateStream();
      publisher.command(1, "publish", 0, null, "cam?key=" + KEY, "live");
      publisher.send(Control.setChunkSize(65536));
      publisher.readFor(500);
      assertThat(publisher.statusCodes()).containsExactly("NetStream.Publish.Start");
      // a key frame of a codec HLS leaves alone (Sorenson), 100 KB
      byte[] frame = new byte[100_000];
      frame[0] = 0x12;
      publisher.send(ChunkWriter.encode(6, MessageType.VIDEO, 0, 1, frame, 65536));

      garbage.send(io.vertx.core.buffer.Buffer.buffer(new byte[] {(byte) 0xC9, 1, 2, 3}));
      garbage.readFor(2000);
      assertThat(garbage.closedByServer)
          .as("a type 3 chunk on a new chunk stream closes the connection")
          .isTrue();

      try (RawRtmp fast = new RawRtmp("127.0.0.1", port);
          RawRtmp slow = new RawRtmp("127.0.0.1", port, 4096)) {
        for (RawRtmp p : new RawRtmp[] {fast, slow}) {
          p.connectAndCreateStream();
          p.command(1, "play", 0, null, "cam");
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader =
            new Thread(
                () -> {
                  try {
                    while (reading.get()) {
                      fast.readFor(100);
                      fast.messages.removeIf(
                          m ->
                              m.type() == MessageType.VIDEO
                                  && m.payload().length == 0); // keep memory flat
                    }
                  } catch (Exception e) {
                    throw new RuntimeException(e);
                  }
                });
        reader.start();
        assertThat(Await.poll(() -> players() == 2, Duration.ofSeconds(5)))
            .as(live.stats().encode())
            .isTrue();
        slow.readFor(300); // the answer to play, then it stops reading
        int frames =
            400; // 40 MB at 20 MB/s: far more than the slow player's 1 MB, kernel buffers included
        for (int i = 1; i <= frames; i++) {
          frame[0] = (byte) (i % 25 == 0 ? 0x12 : 0x22);
          publisher.send(ChunkWriter.encode(6, MessageType.VIDEO, i * 40L, 1, frame, 65536));
          Thread.sleep(5); // paced, as a live stream is
        }
        assertThat(Await.poll(() -> players() == 1, Duration.ofSeconds(20)))
            .as("the slow player is dropped: " + live.stats())
            .isTrue();
        assertThat(
                Await.poll(
                    () -> fast.count(MessageType.VIDEO) >= frames + 1, Duration.ofSeconds(30)))
            .as("the fast player got every frame: " + fast.count(MessageType.VIDEO))
            .isTrue();
        reading.set(false);
        reader.join(5000);
        assertThat(fast.closedByServer).isFalse();
      }
    }
  }

  int players() {
    var streams = live.stats().getJsonArray("streams");
    return streams.isEmpty() ? 0 : ((JsonObject) streams.getValue(0)).getInteger("players");
  }
}
