package io.opencdn.live.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.live.rtmp.Amf0;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.rtmp.RtmpException;
import io.opencdn.live.rtmp.RtmpMessage;
import io.opencdn.live.stream.LiveStream;
import io.opencdn.live.stream.Media;
import io.opencdn.live.stream.Source;
import io.opencdn.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedMediaTest {

  static final byte[] KEY = {0x17, 1, 0, 0, 0, 5};

  final TestClock clock = new TestClock();
  final Source publisher =
      new Source() {
        @Override
        public boolean local() {
          return true;
        }

        @Override
        public void displaced() {}

        @Override
        public String describe() {
          return "publisher";
        }
      };
  final LiveStream stream = new LiveStream("cam", 4096, 1 << 20, clock);
  final List<Media> viewed = new ArrayList<>();
  final PublishedMedia media = new PublishedMedia(publisher, clock);

  PublishedMediaTest() {
    stream.begin(publisher, -1);
    stream.attach(
        m -> {
          viewed.add(m);
          return true;
        });
  }

  @Test
  void beforeThePublishMediaIsAProtocolErrorAndMetadataIsDropped() {
    assertThatThrownBy(() -> media.media(MessageType.VIDEO, 0, KEY))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("media before an accepted publish");
    media.data(data(Amf0.encode("onMetaData", Map.of("width", 640.0))));
    assertThat(viewed).isEmpty();
  }

  @Test
  void afterThePublishMediaAndOnMetaDataGoIntoTheStreamOtherDataDoesNot() {
    media.publishing(stream);
    media.media(MessageType.VIDEO, 40, KEY);
    media.data(data(Amf0.encode("@setDataFrame", "onMetaData", Map.of("width", 640.0))));
    media.data(data(Amf0.encode("onCuePoint", Map.of("name", "x"))));
    assertThat(viewed)
        .extracting(Media::type)
        .containsExactly(MessageType.VIDEO, MessageType.DATA_AMF0);
    assertThat(Amf0.decodeAll(viewed.get(1).payload()))
        .as("the setDataFrame wrapper taken off")
        .first()
        .isEqualTo("onMetaData");
  }

  @Test
  void silenceCountsFromThePublishThenFromTheLastMedia() {
    media.publishing(stream);
    clock.advance(30_000);
    assertThat(media.silentFor(30_000)).isFalse();
    clock.advance(1);
    assertThat(media.silentFor(30_000)).isTrue();
    media.media(MessageType.VIDEO, 0, KEY);
    assertThat(media.silentFor(30_000)).isFalse();
    media.data(data(Amf0.encode("onMetaData", Map.of("width", 640.0))));
    clock.advance(30_001);
    assertThat(media.silentFor(30_000)).as("metadata is not media").isTrue();
  }

  private static RtmpMessage data(byte[] payload) {
    return new RtmpMessage(MessageType.DATA_AMF0, 0, Media.PLAY_STREAM_ID, payload);
  }
}
