package io.opencdn.live.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.live.rtmp.MessageType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveStreamTest {

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    long millis = 1_000_000;

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  static final class TestSource implements Source {
    boolean displaced;

    @Override
    public boolean local() {
      return true;
    }

    @Override
    public void displaced() {
      displaced = true;
    }

    @Override
    public String describe() {
      return "test";
    }
  }

  static final class Collect implements StreamSink {
    final List<Media> got = new ArrayList<>();
    int sessions;
    boolean ended;
    boolean gone;

    @Override
    public boolean offer(Media media) {
      got.add(media);
      return !gone;
    }

    @Override
    public void sourceChanged() {
      sessions++;
    }

    @Override
    public void ended() {
      ended = true;
    }

    List<Long> timestamps() {
      return got.stream().map(Media::timestamp).toList();
    }
  }

  static final byte[] AVC_CONFIG = {0x17, 0, 0, 0, 0, 1};
  static final byte[] AAC_CONFIG = {(byte) 0xAF, 0, 0x12, 0x10};
  static final byte[] KEY = {0x17, 1, 0, 0, 0, 5};
  static final byte[] INTER = {0x27, 1, 0, 0, 0, 1};
  static final byte[] AUDIO = {(byte) 0xAF, 1, 1};

  final TestClock clock = new TestClock();

  @Test
  void aNewViewerGetsMetadataConfigurationsAndTheLastGopThenLiveMessages() {
    LiveStream s = new LiveStream("cam", 4096, 1 << 20, clock);
    TestSource src = new TestSource();
    s.begin(src, -1);
    s.push(src, MessageType.DATA_AMF0, 0, new byte[] {2, 0, 10});
    s.push(src, MessageType.VIDEO, 0, AVC_CONFIG);
    s.push(src, MessageType.AUDIO, 0, AAC_CONFIG);
    s.push(src, MessageType.VIDEO, 0, KEY);
    s.push(src, MessageType.VIDEO, 40, INTER);
    s.push(src, MessageType.VIDEO, 1000, KEY); // a new GOP
    s.push(src, MessageType.AUDIO, 1010, AUDIO);
    s.push(src, MessageType.VIDEO, 1040, INTER);
    Collect viewer = new Collect();
    s.attach(viewer);
    assertThat(viewer.got)
        .extracting(Media::type)
        .containsExactly(
            MessageType.DATA_AMF0,
            MessageType.VIDEO,
            MessageType.AUDIO,
            MessageType.VIDEO,
            MessageType.AUDIO,
            MessageType.VIDEO);
    assertThat(viewer.got.get(3).keyFrame()).isTrue();
    assertThat(viewer.timestamps().subList(3, 6)).containsExactly(1000L, 1010L, 1040L);
    s.push(src, MessageType.VIDEO, 1080, INTER);
    assertThat(viewer.timestamps()).endsWith(1080L);
    assertThat(viewer.got.get(6).chunks().length())
        .as("one encoding for every viewer")
        .isEqualTo(1 + 11 + INTER.length);
  }

  @Test
  void aGopLargerThanTheBoundIsNotCached() {
    LiveStream s = new LiveStream("cam", 4096, 100, clock);
    TestSource src = new TestSource();
    s.begin(src, -1);
    s.push(src, MessageType.VIDEO, 0, AVC_CONFIG);
    s.push(src, MessageType.VIDEO, 0, KEY);
    for (int i = 1; i < 10; i++) {
      s.push(src, MessageType.VIDEO, i * 40, INTER);
    }
    Collect viewer = new Collect();
    s.attach(viewer);
    assertThat(viewer.got).as("only the configuration: it waits for the next key frame").hasSize(1);
    assertThat(s.snapshot().gopMessages()).isZero();
  }

  @Test
  void theTimelineGoesOnAcrossSourceSessionsWithTheTimeThatPassed() {
    LiveStream s = new LiveStream("cam", 4096, 1 << 20, clock);
    TestSource first = new TestSource();
    s.begin(first, 5000); // the first session starts where the cluster's timeline is
    s.push(first, MessageType.VIDEO, 0, KEY);
    clock.millis += 40;
    s.push(first, MessageType.VIDEO, 40, INTER);
    Collect viewer = new Collect();
    s.attach(viewer);
    assertThat(s.end(first)).isTrue();
    clock.millis +=
        3000; // the publisher reconnects after three seconds, its timestamps from 0 again
    TestSource second = new TestSource();
    s.begin(second, -1);
    s.push(second, MessageType.VIDEO, 0, KEY);
    s.push(second, MessageType.VIDEO, 40, INTER);
    s.push(first, MessageType.VIDEO, 80, INTER); // the old source is ignored
    assertThat(viewer.timestamps()).containsExactly(5000L, 5040L, 8040L, 8080L);
    assertThat(viewer.sessions).isEqualTo(1);
    TestSource third = new TestSource();
    s.begin(third, -1);
    assertThat(second.displaced).as("a new source displaces the current one").isTrue();
  }

  @Test
  void timestampsThatWrapAt32BitsGoOn() {
    LiveStream s = new LiveStream("cam", 4096, 1 << 20, clock);
    TestSource src = new TestSource();
    s.begin(src, -1);
    Collect viewer = new Collect();
    s.attach(viewer);
    s.push(src, MessageType.AUDIO, 0xFFFF_FFE0L, AUDIO);
    s.push(src, MessageType.AUDIO, 0x10L, AUDIO);
    assertThat(viewer.timestamps()).containsExactly(0xFFFF_FFE0L, 0x1_0000_0010L);
  }

  @Test
  void aSinkThatIsGoneIsDetachedAndTheEndReachesTheOthers() {
    LiveStream s = new LiveStream("cam", 4096, 1 << 20, clock);
    TestSource src = new TestSource();
    s.begin(src, -1);
    Collect gone = new Collect();
    Collect stays = new Collect();
    s.attach(gone);
    s.attach(stays);
    gone.gone = true;
    s.push(src, MessageType.AUDIO, 0, AUDIO);
    assertThat(s.sinkCount()).isEqualTo(1);
    s.finish();
    assertThat(stays.ended).isTrue();
    assertThat(gone.ended).isFalse();
    assertThat(src.displaced).isTrue();
    assertThat(s.sinkCount()).isZero();
  }
}
