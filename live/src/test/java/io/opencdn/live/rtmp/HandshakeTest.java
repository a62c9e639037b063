package io.opencdn.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HandshakeTest {

  @Test
  void clientAndServerCompleteTheHandshakeOfTheSpecification() {
    Handshake.Client client = new Handshake.Client();
    Handshake.Server server = new Handshake.Server(1234);
    Buffer c0c1 = client.start();
    assertThat(c0c1.length()).isEqualTo(1 + Handshake.SIZE);
    assertThat(c0c1.getByte(0)).isEqualTo((byte) 3);
    assertThat(c0c1.getBytes(5, 9)).as("C1 zero field").containsExactly(0, 0, 0, 0);

    ByteBuf toServer = Unpooled.buffer();
    toServer.writeBytes(c0c1.getBytes(0, 700)); // C1 arrives in pieces
    assertThat(server.feed(toServer)).isNull();
    toServer.writeBytes(c0c1.getBytes(700, c0c1.length()));
    Buffer s0s1s2 = server.feed(toServer);
    assertThat(s0s1s2.length()).isEqualTo(1 + 2 * Handshake.SIZE);
    assertThat(s0s1s2.getByte(0)).isEqualTo((byte) 3);
    assertThat(s0s1s2.getInt(1)).as("S1 time").isEqualTo(1234);
    assertThat(s0s1s2.getBytes(5, 9)).as("S1 zero field: no digest").containsExactly(0, 0, 0, 0);
    byte[] s2 = s0s1s2.getBytes(1 + Handshake.SIZE, 1 + 2 * Handshake.SIZE);
    byte[] c1 = c0c1.getBytes(1, 1 + Handshake.SIZE);
    assertThat(Arrays.copyOfRange(s2, 0, 4))
        .as("S2 time = C1 time")
        .isEqualTo(Arrays.copyOfRange(c1, 0, 4));
    assertThat(s2[4] << 24 | (s2[5] & 0xff) << 16 | (s2[6] & 0xff) << 8 | s2[7] & 0xff)
        .as("S2 time2")
        .isEqualTo(1234);
    assertThat(Arrays.copyOfRange(s2, 8, Handshake.SIZE))
        .as("S2 echoes C1's random bytes")
        .isEqualTo(Arrays.copyOfRange(c1, 8, Handshake.SIZE));

    ByteBuf toClient = Unpooled.wrappedBuffer(s0s1s2.getBytes());
    Buffer c2 = client.feed(toClient);
    assertThat(c2.getBytes()).as("C2 echoes S1").isEqualTo(s0s1s2.getBytes(1, 1 + Handshake.SIZE));
    client.feed(toClient);
    assertThat(client.done()).isTrue();
    assertThat(toClient.readableBytes()).isZero();

    toServer.writeBytes(c2.getBytes());
    toServer.writeBytes(new byte[] {0x03, 1, 2}); // the first chunk in the same read
    assertThat(server.feed(toServer)).isNull();
    assertThat(server.done()).isTrue();
    assertThat(toServer.readableBytes())
        .as("bytes after C2 stay for the chunk reader")
        .isEqualTo(3);
  }

  @Test
  void anotherVersionIsRefusedAtOnce() {
    Handshake.Server server = new Handshake.Server(0);
    assertThatThrownBy(() -> server.feed(Unpooled.wrappedBuffer(new byte[] {6})))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("version 6");
  }
}
