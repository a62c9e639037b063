package io.opencdn.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A transport stream parser of the tests, written from ISO/IEC 13818-1 independently of {@link
 * TsWriter}: packets, continuity counters, adaptation fields (PCR, random access), PSI sections
 * with their CRC, and PES packets with PTS and DTS.
 */
final class TsReader {

  /** One PES packet reassembled. */
  record Pes(
      int pid, int streamId, long pts, long dts, byte[] payload, boolean randomAccess, long pcr) {}

  final List<Pes> pes = new ArrayList<>();
  final Map<Integer, byte[]> sections = new HashMap<>();
  final Map<Integer, Integer> packetsPerPid = new HashMap<>();
  final List<Long> pcrs = new ArrayList<>();
  private final Map<Integer, Integer> lastCounter = new HashMap<>();
  private final Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
  private final Map<Integer, long[]> openMeta = new HashMap<>();

  TsReader(byte[] ts) {
    assertThat(ts.length % 188).as("whole packets").isZero();
    for (int at = 0; at < ts.length; at += 188) {
      packet(ts, at);
    }
    for (int pid : List.copyOf(open.keySet())) {
      finish(pid);
    }
  }

  private void packet(byte[] ts, int at) {
    assertThat(ts[at]).as("sync byte").isEqualTo((byte) 0x47);
    boolean start = (ts[at + 1] & 0x40) != 0;
    int pid = (ts[at + 1] & 0x1F) << 8 | ts[at + 2] & 0xff;
    int afc = (ts[at + 3] >> 4) & 3;
    int cc = ts[at + 3] & 0x0F;
    packetsPerPid.merge(pid, 1, Integer::sum);
    Integer last = lastCounter.put(pid, cc);
    if (last != null) {
      assertThat(cc).as("continuity counter of PID " + pid).isEqualTo((last + 1) & 0x0F);
    }
    int pos = at + 4;
    boolean randomAccess = false;
    long pcr = -1;
    if (afc == 2 || afc == 3) {
      int len = ts[pos] & 0xff;
      assertThat(len).as("adaptation field length").isLessThanOrEqualTo(afc == 2 ? 183 : 182);
      if (len > 0) {
        int flags = ts[pos + 1] & 0xff;
        randomAccess = (flags & 0x40) != 0;
        if ((flags & 0x10) != 0) {
          long base =
              (ts[pos + 2] & 0xffL) << 25
                  | (ts[pos + 3] & 0xffL) << 17
                  | (ts[pos + 4] & 0xffL) << 9
                  | (ts[pos + 5] & 0xffL) << 1
                  | (ts[pos + 6] & 0x80) >> 7;
          pcr = base;
          pcrs.add(base);
        }
        for (int i = pos + 2 + ((flags & 0x10) != 0 ? 6 : 0); i < pos + 1 + len; i++) {
          assertThat(ts[i]).as("stuffing").isEqualTo((byte) 0xFF);
        }
      }
      pos += 1 + len;
    }
    if (afc == 1 || afc == 3) {
      int end = at + 188;
      if (pid == 0 || pid == TsWriter.PMT_PID) {
        assertThat(start).isTrue();
        int pointer = ts[pos] & 0xff;
        int s = pos + 1 + pointer;
        int length = (ts[s + 1] & 0x0F) << 8 | ts[s + 2] & 0xff;
        byte[] section = java.util.Arrays.copyOfRange(ts, s, s + 3 + length);
        assertThat(Crc32Mpeg.of(section, 0, section.length))
            .as("CRC over a section and its CRC is 0")
            .isZero();
        sections.put(pid, section);
        return;
      }
      if (start) {
        finish(pid);
        open.put(pid, new ByteArrayOutputStream());
        openMeta.put(pid, new long[] {randomAccess ? 1 : 0, pcr});
      }
      open.get(pid).write(ts, pos, end - pos);
    }
  }

  private void finish(int pid) {
    ByteArrayOutputStream b = open.remove(pid);
    if (b == null) {
      return;
    }
    long[] meta = openMeta.remove(pid);
    byte[] p = b.toByteArray();
    assertThat(p[0] == 0 && p[1] == 0 && p[2] == 1).as("PES start code").isTrue();
    int streamId = p[3] & 0xff;
    int length = (p[4] & 0xff) << 8 | p[5] & 0xff;
    int flags = p[7] & 0xff;
    int headerLength = p[8] & 0xff;
    long pts = (flags & 0x80) != 0 ? timestamp(p, 9) : -1;
    long dts = (flags & 0x40) != 0 ? timestamp(p, 14) : pts;
    if ((flags & 0x40) != 0) {
      assertThat(p[9] >> 4 & 0x0F).as("PTS prefix with DTS").isEqualTo(3);
      assertThat(p[14] >> 4 & 0x0F).as("DTS prefix").isEqualTo(1);
    } else {
      assertThat(p[9] >> 4 & 0x0F).as("PTS prefix").isEqualTo(2);
    }
    byte[] payload = java.util.Arrays.copyOfRange(p, 9 + headerLength, p.length);
    if (length != 0) {
      assertThat(length).as("PES_packet_length").isEqualTo(p.length - 6);
    }
    pes.add(new Pes(pid, streamId, pts, dts, payload, meta[0] == 1, meta[1]));
  }

  static long timestamp(byte[] p, int at) {
    assertThat(p[at] & 1).as("marker").isEqualTo(1);
    assertThat(p[at + 2] & 1).as("marker").isEqualTo(1);
    assertThat(p[at + 4] & 1).as("marker").isEqualTo(1);
    return (p[at] & 0x0EL) << 29
        | (p[at + 1] & 0xffL) << 22
        | (p[at + 2] & 0xFEL) << 14
        | (p[at + 3] & 0xffL) << 7
        | (p[at + 4] & 0xFEL) >> 1;
  }

  List<Pes> pes(int pid) {
    return pes.stream().filter(x -> x.pid() == pid).toList();
  }
}
