package io.opencdn.live.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.live.rtmp.RtmpException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** {@link AvcConfig} (FLV AVC to Annex B) and {@link AacConfig} (FLV AAC to ADTS). */
class CodecConfigTest {

  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  /**
   * An FLV AVC sequence header: tag header 17 00 000000, record version 1, profile 66, 4-byte
   * lengths, one SPS, one PPS.
   */
  static final byte[] SEQUENCE_HEADER =
      hex("17 00 000000 01 42 C0 1E FF E1 0004 6742C01E 01 0003 68CE3C");

  @Test
  void anAccessUnitBecomesAnnexBWithDelimiterAndParameterSetsBeforeKeyFrames() {
    AvcConfig c = AvcConfig.parse(SEQUENCE_HEADER);
    assertThat(c.nalLengthSize()).isEqualTo(4);
    assertThat(c.sps()).singleElement().isEqualTo(hex("6742C01E"));
    assertThat(c.pps()).singleElement().isEqualTo(hex("68CE3C"));
    // an IDR slice (type 5) and an SEI (type 6), each with a 4-byte length; the stream's own AUD is
    // dropped
    byte[] key = hex("17 01 000000 00000002 09F0 00000002 0601 00000003 658884");
    assertThat(c.annexB(key, true))
        .isEqualTo(
            hex("00000001 09F0 00000001 6742C01E 00000001 68CE3C 00000001 0601 00000001 658884"));
    byte[] inter = hex("27 01 000050 00000003 419A21");
    assertThat(c.annexB(inter, false)).isEqualTo(hex("00000001 09F0 00000001 419A21"));
    // a key frame carrying its own SPS gets no second copy
    byte[] withSps = hex("17 01 000000 00000004 6742C01E 00000003 658884");
    assertThat(c.annexB(withSps, true))
        .isEqualTo(hex("00000001 09F0 00000001 6742C01E 00000001 658884"));
  }

  @Test
  void malformedAvcIsRefused() {
    assertThatThrownBy(() -> AvcConfig.parse(hex("17 00 000000 02 42")))
        .isInstanceOf(RtmpException.class);
    AvcConfig c = AvcConfig.parse(SEQUENCE_HEADER);
    assertThatThrownBy(() -> c.annexB(hex("17 01 000000 00000010 65"), true))
        .isInstanceOf(RtmpException.class)
        .hasMessageContaining("NAL unit of 16 bytes");
  }

  @Test
  void aacFramesGetAnAdtsHeader() {
    // FLV AAC sequence header: AF 00, AudioSpecificConfig 12 10 = AAC LC, 44100 Hz (index 4), 2
    // channels
    AacConfig c = AacConfig.parse(hex("AF 00 1210"));
    assertThat(c).isEqualTo(new AacConfig(1, 4, 2));
    assertThat(c.frequency()).isEqualTo(44100);
    byte[] adts = c.adts(hex("AF 01 2110050000"));
    assertThat(adts).hasSize(7 + 5);
    assertThat(adts).startsWith(hex("FFF1 50 80 01 9F FC"));
    int frameLength = (adts[3] & 3) << 11 | (adts[4] & 0xff) << 3 | (adts[5] & 0xff) >> 5;
    assertThat(frameLength).isEqualTo(12);
    assertThat(adts[2] >> 6 & 3).as("profile LC").isEqualTo(1);
    assertThat(adts[2] >> 2 & 0x0F).as("frequency index").isEqualTo(4);
    assertThat((adts[2] & 1) << 2 | (adts[3] & 0xff) >> 6).as("channels").isEqualTo(2);
    assertThatThrownBy(() -> AacConfig.parse(hex("AF 00 F800"))).isInstanceOf(RtmpException.class);
  }
}
