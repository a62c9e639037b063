package io.opencdn.live.hls;

import io.opencdn.live.rtmp.RtmpException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * H.264 as FLV carries it (an AVCDecoderConfigurationRecord, ISO/IEC 14496-15 5.2.4.1, then access
 * units of length-prefixed NAL units) turned into the Annex B byte stream a transport stream
 * carries: start codes, an access unit delimiter first, and the SPS and PPS before every IDR
 * picture.
 *
 * @param nalLengthSize bytes of each NAL unit's length prefix, 1, 2 or 4
 * @param sps the sequence parameter sets
 * @param pps the picture parameter sets
 */
public record AvcConfig(int nalLengthSize, List<byte[]> sps, List<byte[]> pps) {

  private static final byte[] START = {0, 0, 0, 1};

  /** Access unit delimiter NAL unit (type 9), primary_pic_type 7: any slice type. */
  private static final byte[] AUD = {0, 0, 0, 1, 0x09, (byte) 0xF0};

  /**
   * Reads the record from an FLV AVC sequence header's payload (after the 5-byte video tag header).
   */
  public static AvcConfig parse(byte[] tag) {
    int p = 5;
    need(tag, p + 6);
    if (tag[p] != 1) {
      throw new RtmpException("AVCDecoderConfigurationRecord version " + tag[p]);
    }
    int lengthSize = (tag[p + 4] & 0x03) + 1;
    if (lengthSize == 3) {
      throw new RtmpException("NAL unit length size 3");
    }
    int count = tag[p + 5] & 0x1F;
    p += 6;
    List<byte[]> sps = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      need(tag, p + 2);
      int n = (tag[p] & 0xff) << 8 | tag[p + 1] & 0xff;
      need(tag, p + 2 + n);
      sps.add(java.util.Arrays.copyOfRange(tag, p + 2, p + 2 + n));
      p += 2 + n;
    }
    need(tag, p + 1);
    int ppsCount = tag[p++] & 0xff;
    List<byte[]> pps = new ArrayList<>();
    for (int i = 0; i < ppsCount; i++) {
      need(tag, p + 2);
      int n = (tag[p] & 0xff) << 8 | tag[p + 1] & 0xff;
      need(tag, p + 2 + n);
      pps.add(java.util.Arrays.copyOfRange(tag, p + 2, p + 2 + n));
      p += 2 + n;
    }
    return new AvcConfig(lengthSize, List.copyOf(sps), List.copyOf(pps));
  }

  /**
   * The access unit of an FLV AVC NALU tag (payload from byte 5 on) in Annex B: AUD, then SPS and
   * PPS when {@code keyFrame} (unless the access unit carries its own), then each NAL unit with a
   * start code. The stream's own AUD, if any, is dropped (ours is first).
   */
  public byte[] annexB(byte[] tag, boolean keyFrame) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tag.length + 64);
    out.writeBytes(AUD);
    boolean hasParameterSets = false;
    List<int[]> units = new ArrayList<>();
    int p = 5;
    while (p < tag.length) {
      need(tag, p + nalLengthSize);
      int n = 0;
      for (int i = 0; i < nalLengthSize; i++) {
        n = n << 8 | tag[p + i] & 0xff;
      }
      p += nalLengthSize;
      if (n < 0 || n > tag.length - p) {
        throw new RtmpException("NAL unit of " + n + " bytes in " + (tag.length - p));
      }
      int type = n > 0 ? tag[p] & 0x1F : 0;
      hasParameterSets |= type == 7;
      if (n > 0 && type != 9) {
        units.add(new int[] {p, n});
      }
      p += n;
    }
    if (keyFrame && !hasParameterSets) {
      for (byte[] s : sps) {
        out.writeBytes(START);
        out.writeBytes(s);
      }
      for (byte[] s : pps) {
        out.writeBytes(START);
        out.writeBytes(s);
      }
    }
    for (int[] u : units) {
      out.writeBytes(START);
      out.write(tag, u[0], u[1]);
    }
    return out.toByteArray();
  }

  private static void need(byte[] b, int n) {
    if (b.length < n) {
      throw new RtmpException("AVC data cut short");
    }
  }
}
