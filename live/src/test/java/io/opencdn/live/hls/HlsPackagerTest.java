package io.opencdn.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.live.config.HlsConfig;
import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.stream.Media;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HlsPackagerTest {

  static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
  static final byte[] AVC_CONFIG = hex("1700000000 0142C01EFFE1 0004 6742C01E 01 0003 68CE3C");
  static final byte[] AAC_CONFIG = hex("AF001210");

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  final HlsPackager hls = new HlsPackager("cam", new HlsConfig(true, 2000, 3, null), CLOCK);

  static Media video(long ts, boolean key) {
    return new Media(
        MessageType.VIDEO,
        ts,
        hex((key ? "17" : "27") + "01000028 00000003 " + (key ? "658884" : "419A21")),
        4096);
  }

  static Media audio(long ts) {
    return new Media(MessageType.AUDIO, ts, hex("AF01 2110050000"), 4096);
  }

  /**
   * Frames from {@code from} to {@code to} ms: video every 40 ms with a key frame every second,
   * audio every 23 ms.
   */
  void feed(long from, long to) {
    long nextAudio = from;
    for (long t = from; t < to; t += 40) {
      while (nextAudio <= t) {
        hls.offer(audio(nextAudio));
        nextAudio += 23;
      }
      hls.offer(video(t, (t - from) % 1000 == 0));
    }
  }

  @Test
  void segmentsAreCutAtKeyFramesAndListedInASlidingWindow() {
    assertThat(hls.playlist()).as("nothing before the first segment").isNull();
    hls.offer(new Media(MessageType.VIDEO, 0, AVC_CONFIG, 4096));
    hls.offer(new Media(MessageType.AUDIO, 0, AAC_CONFIG, 4096));
    hls.offer(audio(0)); // before the first key frame: not in any segment
    feed(1000, 13_000);
    String playlist = hls.playlist();
    assertThat(playlist).startsWith("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n");
    List<String> names = names(playlist);
    // segments at 1000, 3000, 5000, 7000, 9000 (11000 still open): three listed, the newest
    assertThat(names).hasSize(3);
    long first = CLOCK.millis() / 1000;
    assertThat(playlist).contains("#EXT-X-MEDIA-SEQUENCE:" + (first + 2) + "\n");
    assertThat(names.get(0)).matches((first + 2) + "-[0-9a-f]+\\.ts");
    assertThat(playlist).contains("#EXTINF:2.000,\n").doesNotContain("DISCONTINUITY");
    assertThat(hls.segmentCount()).as("window plus two kept").isEqualTo(5);
    assertThat(hls.segment(names.get(0).replace(String.valueOf(first + 2), String.valueOf(first))))
        .as("the oldest is kept")
        .isNotNull();

    Segment s = hls.segment(names.get(2));
    TsReader ts = new TsReader(s.data());
    assertThat(ts.sections).containsKeys(0, TsWriter.PMT_PID);
    var video = ts.pes(TsWriter.VIDEO_PID);
    assertThat(video).hasSize(50);
    assertThat(video.get(0).randomAccess()).as("a segment starts with a key frame").isTrue();
    long dts0 = HlsPackager.TIMESTAMP_BASE_90K + 9000 * 90;
    assertThat(video.get(0).dts()).isEqualTo(dts0);
    assertThat(video.get(0).pts()).as("composition offset 40 ms").isEqualTo(dts0 + 40 * 90);
    assertThat(video.get(0).payload())
        .as("AUD, SPS, PPS, IDR")
        .startsWith(hex("0000000109F0000000016742C01E"));
    var audio = ts.pes(TsWriter.AUDIO_PID);
    assertThat(audio).isNotEmpty();
    assertThat(audio.get(0).payload()).startsWith(hex("FFF1"));
    assertThat(s.durationMillis()).isEqualTo(2000);
  }

  @Test
  void aNewSourceSessionEndsTheSegmentAndMarksADiscontinuity() {
    hls.offer(new Media(MessageType.VIDEO, 0, AVC_CONFIG, 4096));
    hls.offer(new Media(MessageType.AUDIO, 0, AAC_CONFIG, 4096));
    feed(0, 4500);
    hls.sourceChanged();
    feed(6000, 10_100);
    String playlist = hls.playlist();
    // 0-2000, 2000-4000, 4000 to the last frame at 4480 (cut short), then 6000-8000 after a
    // discontinuity
    assertThat(playlist)
        .contains("#EXTINF:0.481,\n")
        .contains("#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\n")
        .doesNotContain("#EXT-X-DISCONTINUITY-SEQUENCE");
    feed(10_100, 18_100);
    // the tagged segment left the window: the discontinuity sequence counts its tag
    assertThat(hls.playlist())
        .contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n")
        .doesNotContain("#EXT-X-DISCONTINUITY\n");
  }

  @Test
  void anAudioOnlyStreamIsCutByTime() {
    hls.offer(new Media(MessageType.AUDIO, 0, AAC_CONFIG, 4096));
    for (long t = 0; t < 7000; t += 23) {
      hls.offer(audio(t));
    }
    assertThat(names(hls.playlist())).hasSize(3);
    TsReader ts = new TsReader(hls.segment(names(hls.playlist()).get(0)).data());
    assertThat(ts.pes(TsWriter.VIDEO_PID)).isEmpty();
    assertThat(ts.pcrs).as("PCR on the audio PID").isNotEmpty();
  }

  @Test
  void otherCodecsAreLeftOut() {
    hls.offer(new Media(MessageType.VIDEO, 0, hex("1C00000000"), 4096)); // HEVC in classic FLV
    for (long t = 0; t < 5000; t += 40) {
      hls.offer(new Media(MessageType.VIDEO, t, hex("1C010000000000000165"), 4096));
    }
    assertThat(hls.playlist()).isNull();
  }

  static List<String> names(String playlist) {
    Matcher m = Pattern.compile("(?m)^([0-9]+-[0-9a-f]+\\.ts)$").matcher(playlist);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
