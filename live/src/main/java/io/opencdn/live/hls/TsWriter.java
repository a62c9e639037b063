package io.opencdn.live.hls;

import java.io.ByteArrayOutputStream;

/**
 * Writes an MPEG-2 transport stream (ISO/IEC 13818-1) with one program: the PAT, a PMT listing
 * H.264 video (stream type 0x1B, PID {@value #VIDEO_PID}) and/or AAC audio in ADTS (stream type
 * 0x0F, PID {@value #AUDIO_PID}), and PES packets of both in 188-byte packets, each PID with its
 * own continuity counter. The PCR rides on the PCR PID (video when present) in the adaptation field
 * of the first packet of each of its PES packets, {@value #PCR_DELAY_90K} ticks (0.7 s) behind the
 * decode time, so a decoder's buffer holds what it needs when the time comes. A key frame's first
 * packet is marked random access. PES packets are cut into packets, the last one padded with
 * adaptation field stuffing.
 */
public final class TsWriter {

  /** Length of a transport stream packet. */
  public static final int PACKET = 188;

  /** PID of the PMT. */
  public static final int PMT_PID = 0x1000;

  /** PID of the video elementary stream. */
  public static final int VIDEO_PID = 0x100;

  /** PID of the audio elementary stream. */
  public static final int AUDIO_PID = 0x101;

  /** How far the PCR runs behind the decode timestamps, in 90 kHz ticks. */
  public static final long PCR_DELAY_90K = 63_000;

  static final int STREAM_TYPE_H264 = 0x1B;
  static final int STREAM_TYPE_AAC_ADTS = 0x0F;
  private static final long MASK_33 = (1L << 33) - 1;

  private final int[] counters = new int[0x2000];
  private ByteArrayOutputStream out;

  /** A writer appending to {@code out}. */
  public TsWriter(ByteArrayOutputStream out) {
    this.out = out;
  }

  /** Appends to {@code next} from now on; the continuity counters go on. */
  public void output(ByteArrayOutputStream next) {
    this.out = next;
  }

  /** The PAT and the PMT of a program with video and/or audio (at the start of every segment). */
  public void writeTables(boolean video, boolean audio) {
    // PAT: program 1 -> PMT PID
    byte[] pat =
        section(0x00, 1, new byte[] {0x00, 0x01, (byte) (0xE0 | PMT_PID >>> 8), (byte) PMT_PID});
    psi(0, pat);
    int pcrPid = video ? VIDEO_PID : AUDIO_PID;
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(0xE0 | pcrPid >>> 8);
    body.write(pcrPid);
    body.write(0xF0); // program_info_length 0
    body.write(0x00);
    if (video) {
      elementary(body, STREAM_TYPE_H264, VIDEO_PID);
    }
    if (audio) {
      elementary(body, STREAM_TYPE_AAC_ADTS, AUDIO_PID);
    }
    psi(PMT_PID, section(0x02, 1, body.toByteArray()));
  }

  private static void elementary(ByteArrayOutputStream body, int type, int pid) {
    body.write(type);
    body.write(0xE0 | pid >>> 8);
    body.write(pid);
    body.write(0xF0); // ES_info_length 0
    body.write(0x00);
  }

  /**
   * A long-form PSI section with its CRC: table id, id extension, version 0, current, section 0 of
   * 0.
   */
  static byte[] section(int tableId, int idExtension, byte[] body) {
    int length = 5 + body.length + 4;
    byte[] s = new byte[3 + length];
    s[0] = (byte) tableId;
    s[1] = (byte) (0xB0 | length >>> 8);
    s[2] = (byte) length;
    s[3] = (byte) (idExtension >>> 8);
    s[4] = (byte) idExtension;
    s[5] = (byte) 0xC1; // reserved, version 0, current_next_indicator
    s[6] = 0;
    s[7] = 0;
    System.arraycopy(body, 0, s, 8, body.length);
    int crc = Crc32Mpeg.of(s, 0, s.length - 4);
    s[s.length - 4] = (byte) (crc >>> 24);
    s[s.length - 3] = (byte) (crc >>> 16);
    s[s.length - 2] = (byte) (crc >>> 8);
    s[s.length - 1] = (byte) crc;
    return s;
  }

  private void psi(int pid, byte[] section) {
    byte[] p = new byte[PACKET];
    java.util.Arrays.fill(p, (byte) 0xFF);
    header(p, pid, true, 1);
    p[4] = 0; // pointer_field
    System.arraycopy(section, 0, p, 5, section.length);
    out.write(p, 0, PACKET);
  }

  /**
   * One PES packet of video: an H.264 access unit in Annex B form.
   *
   * @param pts90k presentation time, 90 kHz
   * @param dts90k decode time, 90 kHz
   * @param pcr whether this PID carries the PCR
   * @param keyFrame marks the first packet random access
   */
  public void writeVideo(
      byte[] accessUnit, long pts90k, long dts90k, boolean pcr, boolean keyFrame) {
    byte[] header = pesHeader(0xE0, accessUnit.length, pts90k, dts90k, true);
    pes(VIDEO_PID, header, accessUnit, pcr ? Math.max(0, dts90k - PCR_DELAY_90K) : -1, keyFrame);
  }

  /** One PES packet of audio: ADTS frames; {@code pcr} when there is no video. */
  public void writeAudio(byte[] adts, long pts90k, boolean pcr) {
    byte[] header = pesHeader(0xC0, adts.length, pts90k, pts90k, false);
    pes(AUDIO_PID, header, adts, pcr ? Math.max(0, pts90k - PCR_DELAY_90K) : -1, pcr);
  }

  /**
   * PES header: start code, stream id, length (0 = unbounded for video over 65535), flags, PTS and
   * DTS.
   */
  static byte[] pesHeader(int streamId, int payloadLength, long pts, long dts, boolean video) {
    boolean withDts = video && dts != pts;
    int headerData = withDts ? 10 : 5;
    byte[] h = new byte[9 + headerData];
    h[2] = 1;
    h[3] = (byte) streamId;
    int length = 3 + headerData + payloadLength;
    if (length > 0xFFFF) {
      length = 0; // allowed for video elementary streams in a transport stream
    }
    h[4] = (byte) (length >>> 8);
    h[5] = (byte) length;
    h[6] = (byte) (video ? 0x84 : 0x80); // '10', data_alignment_indicator for video access units
    h[7] = (byte) (withDts ? 0xC0 : 0x80);
    h[8] = (byte) headerData;
    timestamp(h, 9, withDts ? 0x3 : 0x2, pts);
    if (withDts) {
      timestamp(h, 14, 0x1, dts);
    }
    return h;
  }

  /** A 33-bit PTS or DTS in its 5-byte form with marker bits, after the 4-bit prefix. */
  static void timestamp(byte[] b, int at, int prefix, long ts) {
    long t = ts & MASK_33;
    b[at] = (byte) (prefix << 4 | (int) (t >>> 29) & 0x0E | 1);
    b[at + 1] = (byte) (t >>> 22);
    b[at + 2] = (byte) ((t >>> 14) & 0xFE | 1);
    b[at + 3] = (byte) (t >>> 7);
    b[at + 4] = (byte) ((t << 1) & 0xFE | 1);
  }

  private void pes(int pid, byte[] header, byte[] payload, long pcr90k, boolean randomAccess) {
    int total = header.length + payload.length;
    int written = 0;
    boolean first = true;
    byte[] p = new byte[PACKET];
    while (written < total) {
      boolean withPcr = first && pcr90k >= 0;
      boolean marked = first && randomAccess;
      // adaptation field bytes after its length byte that carry something: flags, PCR
      int content = withPcr ? 7 : marked ? 1 : 0;
      int room = PACKET - 4 - (content > 0 ? 1 + content : 0);
      int left = total - written;
      int n = Math.min(room, left);
      int stuffing = room - n;
      boolean field = content > 0 || stuffing > 0;
      // the field's length byte counts once: with no content it takes one of the bytes to fill
      int fieldLength = content > 0 ? content + stuffing : stuffing - 1;
      java.util.Arrays.fill(p, (byte) 0xFF);
      header(p, pid, first, field ? 3 : 1);
      int pos = 4;
      if (field) {
        p[pos] = (byte) fieldLength;
        if (fieldLength > 0) {
          p[pos + 1] = (byte) ((marked ? 0x40 : 0) | (withPcr ? 0x10 : 0));
          if (withPcr) {
            long base = pcr90k & MASK_33;
            p[pos + 2] = (byte) (base >>> 25);
            p[pos + 3] = (byte) (base >>> 17);
            p[pos + 4] = (byte) (base >>> 9);
            p[pos + 5] = (byte) (base >>> 1);
            p[pos + 6] = (byte) ((base & 1) << 7 | 0x7E);
            p[pos + 7] = 0;
          }
        }
        pos += 1 + fieldLength; // what is left of the field is stuffing (0xFF)
      }
      copy(header, payload, written, p, pos, n);
      written += n;
      out.write(p, 0, PACKET);
      first = false;
    }
  }

  /**
   * Copies {@code n} bytes of the concatenation header+payload from {@code from} into {@code p} at
   * {@code at}.
   */
  private static void copy(byte[] header, byte[] payload, int from, byte[] p, int at, int n) {
    int end = from + n;
    if (from < header.length) {
      int k = Math.min(header.length, end) - from;
      System.arraycopy(header, from, p, at, k);
      at += k;
      from += k;
    }
    if (from < end) {
      System.arraycopy(payload, from - header.length, p, at, end - from);
    }
  }

  private void header(byte[] p, int pid, boolean unitStart, int adaptationControl) {
    p[0] = 0x47;
    p[1] = (byte) ((unitStart ? 0x40 : 0) | pid >>> 8 & 0x1F);
    p[2] = (byte) pid;
    p[3] = (byte) (adaptationControl << 4 | counters[pid]);
    counters[pid] = (counters[pid] + 1) & 0x0F;
  }
}
