package io.opencdn.live.stream;

/**
 * What the first bytes of an RTMP audio or video message (an FLV tag body, Adobe FLV specification
 * 10.1, annex E.4.2 and E.4.3, and the "enhanced RTMP" extension for HEVC, AV1, VP9) say about it:
 * key frame, codec configuration (sequence header), or ordinary frame.
 */
public final class FlvTag {

  /** FLV video codec id of AVC (H.264). */
  public static final int CODEC_AVC = 7;

  /** FLV sound format of AAC. */
  public static final int SOUND_AAC = 10;

  private FlvTag() {}

  /** Whether a video message carries a key frame (not its codec configuration). */
  public static boolean isKeyFrame(byte[] video) {
    if (video.length < 2) {
      return false;
    }
    int b0 = video[0] & 0xff;
    if ((b0 & 0x80) != 0) { // enhanced RTMP: frame type in bits 4-6, packet type in the low nibble
      int packetType = b0 & 0x0f;
      return (b0 >>> 4 & 0x07) == 1 && (packetType == 1 || packetType == 3);
    }
    return b0 >>> 4 == 1 && !isVideoConfig(video);
  }

  /**
   * Whether a video message is a codec configuration (AVC sequence header, or enhanced
   * SequenceStart).
   */
  public static boolean isVideoConfig(byte[] video) {
    if (video.length < 2) {
      return false;
    }
    int b0 = video[0] & 0xff;
    if ((b0 & 0x80) != 0) {
      return (b0 & 0x0f) == 0;
    }
    return (b0 & 0x0f) == CODEC_AVC && video[1] == 0;
  }

  /** Whether a video message is the video info/command frame of FLV (frame type 5): no picture. */
  public static boolean isVideoCommand(byte[] video) {
    return video.length >= 1 && (video[0] & 0xff) >>> 4 == 5;
  }

  /** Whether an audio message is an AAC sequence header (AudioSpecificConfig). */
  public static boolean isAudioConfig(byte[] audio) {
    return audio.length >= 2 && (audio[0] & 0xff) >>> 4 == SOUND_AAC && audio[1] == 0;
  }

  /** Whether a video message is H.264 in the classic FLV form (what the HLS remuxer reads). */
  public static boolean isAvc(byte[] video) {
    return video.length >= 5 && (video[0] & 0x80) == 0 && (video[0] & 0x0f) == CODEC_AVC;
  }

  /** Whether an audio message is AAC. */
  public static boolean isAac(byte[] audio) {
    return audio.length >= 2 && (audio[0] & 0xff) >>> 4 == SOUND_AAC;
  }
}
