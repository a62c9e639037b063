package io.opencdn.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkWriter} and {@link ChunkReader}, also on chunks written by hand as other
 * implementations write them.
 */
class ChunkCodecTest {

  final List<RtmpMessage> read = new ArrayList<>();

  static byte[] payload(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void aMessageRoundTripsInChunksOfTheChunkSize() {
    byte[] p = payload(1000, 1);
    Buffer b = ChunkWriter.encode(6, MessageType.VIDEO, 40, 1, p, 128);
    // 1 basic + 11 header + 1000 payload + 7 continuation chunks of 1 byte header
    assertThat(b.length()).isEqualTo(1 + 11 + 1000 + 7);
    assertThat(b.getByte(0)).as("fmt 0, csid 6").isEqualTo((byte) 0x06);
    assertThat(b.getByte(1 + 11 + 128)).as("continuation: fmt 3, csid 6").isEqualTo((byte) 0xC6);
    ChunkReader r = new ChunkReader(1 << 20);
    r.read(Unpooled.wrappedBuffer(b.getBytes()), read::add);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).type()).isEqualTo(MessageType.VIDEO);
    assertThat(read.get(0).timestamp()).isEqualTo(40);
    assertThat(read.get(0).streamId()).isEqualTo(1);
    assertThat(read.get(0).payload()).isEqualTo(p);
    assertThat(r.bytesRead()).isEqualTo(b.length());
  }

  @Test
  void bytesArrivingOneByOneMakeTheSameMessages() {
    byte[] p = payload(3000, 2);
    byte[] all =
        concat(
            ChunkWriter.encode(4, MessageType.AUDIO, 5, 1, p, 128),
            ChunkWriter.encode(4, MessageType.AUDIO, 28, 1, p, 128));
    ChunkReader r = new ChunkReader(1 << 20);
    ByteBuf in = Unpooled.buffer();
    for (byte x : all) {
      in.writeByte(x);
      r.read(in, read::add);
    }
    assertThat(read).extracting(RtmpMessage::timestamp).containsExactly(5L, 28L);
    assertThat(read.get(1).payload()).isEqualTo(p);
  }

  @Test
  void setChunkSizeAppliesFromTheNextChunkOn() {
    byte[] p = payload(10_000, 3);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ChunkWriter.encode(6, MessageType.VIDEO, 0, 1, p, 128).getBytes());
    out.writeBytes(Control.setChunkSize(4096).getBytes());
    out.writeBytes(ChunkWriter.encode(6, MessageType.VIDEO, 40, 1, p, 4096).getBytes());
    out.writeBytes(Control.setChunkSize(1 << 20).getBytes());
    out.writeBytes(ChunkWriter.encode(6, MessageType.VIDEO, 80, 1, p, 1 << 20).getBytes());
    ChunkReader r = new ChunkReader(1 << 20);
    r.read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read).extracting(RtmpMessage::timestamp).containsExactly(0L, 40L, 80L);
    assertThat(read).allSatisfy(m -> assertThat(m.payload()).isEqualTo(p));
    assertThat(r.chunkSize()).isEqualTo(1 << 20);
  }

  @Test
  void messagesInterleaveAcrossChunkStreams() {
    byte[] v = payload(300, 4);
    byte[] a = payload(200, 5);
    byte[] video = ChunkWriter.encode(6, MessageType.VIDEO, 100, 1, v, 128).getBytes();
    byte[] audio = ChunkWriter.encode(4, MessageType.AUDIO, 90, 1, a, 128).getBytes();
    // video chunk 1, audio chunk 1, video chunk 2, audio chunk 2, video chunk 3
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(video, 0, 12 + 128);
    out.write(audio, 0, 12 + 128);
    out.write(video, 12 + 128, 1 + 128);
    out.write(audio, 12 + 128, audio.length - (12 + 128));
    out.write(video, 12 + 128 + 1 + 128, video.length - (12 + 128 + 1 + 128));
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read)
        .extracting(RtmpMessage::type)
        .containsExactly(MessageType.AUDIO, MessageType.VIDEO);
    assertThat(read.get(0).payload()).isEqualTo(a);
    assertThat(read.get(1).payload()).isEqualTo(v);
  }

  @Test
  void compressedHeadersCarryDeltasAsTheSpecificationsExampleDoes() {
    // RTMP 1.0 5.3.2.1: audio, fmt 0 at 1000, then fmt 2 with delta 20, then fmt 3 (delta again)
    // twice
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x03, 0x00, 0x03, (byte) 0xE8, 0, 0, 32, 8, 12, 0, 0, 0});
    out.writeBytes(payload(32, 6));
    out.writeBytes(new byte[] {(byte) 0x83, 0, 0, 20});
    out.writeBytes(payload(32, 7));
    out.writeBytes(new byte[] {(byte) 0xC3});
    out.writeBytes(payload(32, 8));
    out.writeBytes(new byte[] {(byte) 0xC3});
    out.writeBytes(payload(32, 9));
    // fmt 1: new length and type, delta 33
    out.writeBytes(new byte[] {(byte) 0x43, 0, 0, 33, 0, 0, 5, 9});
    out.writeBytes(payload(5, 10));
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read)
        .extracting(RtmpMessage::timestamp)
        .containsExactly(1000L, 1020L, 1040L, 1060L, 1093L);
    assertThat(read).extracting(RtmpMessage::type).containsExactly(8, 8, 8, 8, 9);
    assertThat(read).extracting(RtmpMessage::streamId).containsOnly(12);
    assertThat(read.get(4).payload()).isEqualTo(payload(5, 10));
  }

  @Test
  void aTypeThreeHeaderAfterTypeZeroRepeatsItsTimestampAsDelta() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x04, 0, 0, 40, 0, 0, 2, 8, 1, 0, 0, 0, 1, 2});
    out.writeBytes(new byte[] {(byte) 0xC4, 3, 4});
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read).extracting(RtmpMessage::timestamp).containsExactly(40L, 80L);
  }

  @Test
  void extendedTimestampsAreWrittenAndReadAlsoOnContinuationChunks() {
    long ts = 0x1_2345_67L; // above 0xFFFFFF
    byte[] p = payload(300, 11);
    Buffer b = ChunkWriter.encode(6, MessageType.VIDEO, ts, 1, p, 128);
    assertThat(b.getBytes(1, 4)).as("timestamp field 0xFFFFFF").containsExactly(0xFF, 0xFF, 0xFF);
    assertThat(b.getUnsignedInt(12)).as("extended timestamp").isEqualTo(ts);
    assertThat(b.getUnsignedInt(1 + 11 + 4 + 128 + 1))
        .as("repeated on the type 3 chunk")
        .isEqualTo(ts);
    assertThat(b.length()).isEqualTo(1 + 11 + 4 + 300 + 2 * (1 + 4));
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(b.getBytes()), read::add);
    assertThat(read.get(0).timestamp()).isEqualTo(ts);
    assertThat(read.get(0).payload()).isEqualTo(p);

    // a type 3 chunk starting a new message after an extended type 0 one carries it too
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {
          0x05, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0, 1, 18, 0, 0, 0, 0, 0x01, 0, 0, 0, 7
        });
    out.writeBytes(new byte[] {(byte) 0xC5, 0x01, 0, 0, 0, 8});
    read.clear();
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read).extracting(RtmpMessage::timestamp).containsExactly(0x01000000L, 0x02000000L);
    assertThat(read.get(1).payload()).containsExactly(8);
  }

  @Test
  void timestampsWrapAt32Bits() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ChunkWriter.encode(4, MessageType.AUDIO, 0xFFFF_FFF0L, 1, new byte[] {1}, 128).getBytes());
    out.writeBytes(new byte[] {(byte) 0x84, 0, 0, 0x20, 2});
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read).extracting(RtmpMessage::timestamp).containsExactly(0xFFFF_FFF0L, 0x10L);
  }

  @Test
  void chunkStreamIdsOfTwoAndThreeBytes() {
    for (int csid : new int[] {2, 63, 64, 319, 320, 65_599}) {
      Buffer b = ChunkWriter.encode(csid, MessageType.AUDIO, 7, 1, payload(200, csid), 128);
      read.clear();
      new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(b.getBytes()), read::add);
      assertThat(read).as("csid " + csid).hasSize(1);
      assertThat(read.get(0).payload()).isEqualTo(payload(200, csid));
    }
    assertThat(ChunkWriter.encode(64, 8, 0, 0, new byte[0], 128).getBytes(0, 2))
        .containsExactly(0x00, 0x00);
    assertThat(ChunkWriter.encode(320, 8, 0, 0, new byte[0], 128).getBytes(0, 3))
        .containsExactly(0x01, 0x00, 0x01);
  }

  @Test
  void abortDropsAPartMessage() {
    byte[] big = ChunkWriter.encode(6, MessageType.VIDEO, 0, 1, payload(300, 12), 128).getBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(big, 0, 12 + 128); // first chunk only
    out.writeBytes(
        ChunkWriter.encode(2, MessageType.ABORT, 0, 0, new byte[] {0, 0, 0, 6}, 128).getBytes());
    out.writeBytes(ChunkWriter.encode(6, MessageType.VIDEO, 40, 1, new byte[] {9}, 128).getBytes());
    new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).payload()).containsExactly(9);
  }

  @Test
  void malformedChunksAreRefused() {
    assertThatThrownBy(
            () ->
                new ChunkReader(1 << 20)
                    .read(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC6, 1}), read::add))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("starts with a type 3 header");
    assertThatThrownBy(
            () ->
                new ChunkReader(1000)
                    .read(
                        Unpooled.wrappedBuffer(
                            new byte[] {0x06, 0, 0, 0, 0, 0x10, 0, 9, 1, 0, 0, 0}),
                        read::add))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("4096 bytes");
    byte[] big = ChunkWriter.encode(6, MessageType.VIDEO, 0, 1, payload(300, 13), 128).getBytes();
    byte[] mixed = new byte[12 + 128 + 12];
    System.arraycopy(big, 0, mixed, 0, 12 + 128);
    System.arraycopy(big, 0, mixed, 12 + 128, 12); // a type 0 header in the middle of the message
    assertThatThrownBy(
            () -> new ChunkReader(1 << 20).read(Unpooled.wrappedBuffer(mixed), read::add))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("in the middle of a message");
    assertThatThrownBy(
            () ->
                new ChunkReader(1 << 20)
                    .read(
                        Unpooled.wrappedBuffer(
                            ChunkWriter.encode(
                                    2,
                                    MessageType.SET_CHUNK_SIZE,
                                    0,
                                    0,
                                    new byte[] {0, 0, 0, 0},
                                    128)
                                .getBytes()),
                        read::add))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("Set Chunk Size 0");
  }

  @Test
  void messagesInProgressAreBoundedTogether() {
    // three chunk streams each start a message of the maximum size: the third passes twice the
    // bound
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int csid = 4; csid <= 6; csid++) {
      out.writeBytes(new byte[] {(byte) csid, 0, 0, 0, 0, 0x10, 0, 9, 1, 0, 0, 0});
      out.writeBytes(new byte[128]);
    }
    assertThatThrownBy(
            () -> new ChunkReader(4096).read(Unpooled.wrappedBuffer(out.toByteArray()), read::add))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("in progress");
  }

  static byte[] concat(Buffer... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Buffer p : parts) {
      out.writeBytes(p.getBytes());
    }
    return out.toByteArray();
  }
}
