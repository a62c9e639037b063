package io.opencdn.live.hls;

import io.opencdn.live.rtmp.RtmpException;

/**
 * AAC as FLV carries it (an AudioSpecificConfig, ISO/IEC 14496-3 1.6.2.1, then raw frames) turned
 * into ADTS frames (ISO/IEC 13818-7 6.2), which a transport stream carries: a 7-byte header without
 * CRC before each raw frame.
 *
 * @param profile the ADTS profile: audio object type minus one (AAC Main 0, LC 1, SSR 2, LTP 3);
 *     types above 4 (HE-AAC's SBR and PS, which FLV signals explicitly) are carried as LC, which
 *     decoders extend implicitly
 * @param frequencyIndex sampling frequency index, 0..12
 * @param channels channel configuration, 1..7
 */
public record AacConfig(int profile, int frequencyIndex, int channels) {

  /** Sampling frequencies by index (ISO/IEC 14496-3 table 1.18). */
  static final int[] FREQUENCIES = {
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350
  };

  /**
   * Reads the AudioSpecificConfig of an FLV AAC sequence header (after the 2-byte audio tag
   * header).
   */
  public static AacConfig parse(byte[] tag) {
    if (tag.length < 4) {
      throw new RtmpException("AudioSpecificConfig cut short");
    }
    int bits = (tag[2] & 0xff) << 8 | tag[3] & 0xff;
    int objectType = bits >>> 11;
    int index = bits >>> 7 & 0x0F;
    int channels = bits >>> 3 & 0x0F;
    if (objectType == 31 || index > 12 || channels < 1 || channels > 7) {
      throw new RtmpException(
          "AAC configuration not expressible in ADTS (object type "
              + objectType
              + ", frequency index "
              + index
              + ", channels "
              + channels
              + ")");
    }
    return new AacConfig(objectType >= 1 && objectType <= 4 ? objectType - 1 : 1, index, channels);
  }

  /** The sampling frequency in Hz. */
  public int frequency() {
    return FREQUENCIES[frequencyIndex];
  }

  /** The raw frame of an FLV AAC tag (payload from byte 2 on) with its ADTS header. */
  public byte[] adts(byte[] tag) {
    int raw = tag.length - 2;
    int length = raw + 7;
    if (length > 0x1FFF) {
      throw new RtmpException("AAC frame of " + raw + " bytes");
    }
    byte[] out = new byte[length];
    out[0] = (byte) 0xFF;
    out[1] = (byte) 0xF1; // MPEG-4, layer 0, no CRC
    out[2] = (byte) (profile << 6 | frequencyIndex << 2 | channels >>> 2);
    out[3] = (byte) ((channels & 3) << 6 | length >>> 11);
    out[4] = (byte) (length >>> 3);
    out[5] = (byte) ((length & 7) << 5 | 0x1F); // buffer fullness 0x7FF: variable bit rate
    out[6] = (byte) 0xFC;
    System.arraycopy(tag, 2, out, 7, raw);
    return out;
  }
}
