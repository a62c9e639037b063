package io.opencdn.live.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregateTest {

  static void tag(ByteArrayOutputStream out, int type, long ts, byte[] body) {
    out.write(type);
    out.write(body.length >> 16);
    out.write(body.length >> 8);
    out.write(body.length);
    out.write((int) (ts >> 16));
    out.write((int) (ts >> 8));
    out.write((int) ts);
    out.write((int) (ts >> 24));
    out.write(0);
    out.write(0);
    out.write(0);
    out.writeBytes(body);
    int back = 11 + body.length;
    out.write(back >> 24);
    out.write(back >> 16);
    out.write(back >> 8);
    out.write(back);
  }

  @Test
  void tagsComeOutInOrderWithTimestampsRebasedOnTheMessages() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // the second tag's timestamp uses the extension byte (above 2^24 ms)
    tag(out, MessageType.VIDEO, 0x01_000000L, new byte[] {1, 2, 3});
    tag(out, MessageType.AUDIO, 0x01_000028L, new byte[] {4});
    tag(out, MessageType.DATA_AMF0, 0x01_000050L, new byte[0]);
    List<String> seen = new ArrayList<>();
    Aggregate.forEach(
        new RtmpMessage(MessageType.AGGREGATE, 1000, 1, out.toByteArray()),
        (type, at, body) -> seen.add(type + "@" + at + ":" + body.length));
    assertThat(seen)
        .containsExactly(
            MessageType.VIDEO + "@1000:3",
            MessageType.AUDIO + "@1040:1",
            MessageType.DATA_AMF0 + "@1080:0");
  }

  @Test
  void aTagRunningPastTheMessageIsRefused() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tag(out, MessageType.VIDEO, 0, new byte[] {1, 2, 3});
    byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), out.size() - 2);
    assertThatThrownBy(
            () ->
                Aggregate.forEach(
                    new RtmpMessage(MessageType.AGGREGATE, 0, 1, cut), (t, a, b) -> {}))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("cut short");
  }
}
