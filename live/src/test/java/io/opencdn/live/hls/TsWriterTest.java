package io.opencdn.live.hls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TsWriterTest {

  @Test
  void patAndPmtDescribeTheProgram() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new TsWriter(out).writeTables(true, true);
    TsReader r = new TsReader(out.toByteArray());
    byte[] pat = r.sections.get(0);
    assertThat(pat[0]).as("table id of the PAT").isEqualTo((byte) 0);
    assertThat((pat[8] & 0xff) << 8 | pat[9] & 0xff).as("program number").isEqualTo(1);
    assertThat((pat[10] & 0x1F) << 8 | pat[11] & 0xff).as("PMT PID").isEqualTo(TsWriter.PMT_PID);
    byte[] pmt = r.sections.get(TsWriter.PMT_PID);
    assertThat(pmt[0]).as("table id of the PMT").isEqualTo((byte) 2);
    assertThat((pmt[8] & 0x1F) << 8 | pmt[9] & 0xff)
        .as("PCR PID: video")
        .isEqualTo(TsWriter.VIDEO_PID);
    assertThat(pmt[12]).as("stream type H.264").isEqualTo((byte) 0x1B);
    assertThat((pmt[13] & 0x1F) << 8 | pmt[14] & 0xff).isEqualTo(TsWriter.VIDEO_PID);
    assertThat(pmt[17]).as("stream type AAC ADTS").isEqualTo((byte) 0x0F);
    assertThat((pmt[18] & 0x1F) << 8 | pmt[19] & 0xff).isEqualTo(TsWriter.AUDIO_PID);

    ByteArrayOutputStream audioOnly = new ByteArrayOutputStream();
    new TsWriter(audioOnly).writeTables(false, true);
    byte[] pmt2 = new TsReader(audioOnly.toByteArray()).sections.get(TsWriter.PMT_PID);
    assertThat((pmt2[8] & 0x1F) << 8 | pmt2[9] & 0xff)
        .as("PCR PID: audio")
        .isEqualTo(TsWriter.AUDIO_PID);
  }

  @Test
  void pesPacketsCarryTimestampsPcrAndTheirPayloadWhole() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TsWriter w = new TsWriter(out);
    w.writeTables(true, true);
    Random random = new Random(1);
    byte[][] units = new byte[40][];
    for (int i = 0; i < units.length; i++) {
      // sizes around packet boundaries: 0..3 packets, the last one full, one short, one byte...
      units[i] = new byte[i == 0 ? 70_000 : 1 + random.nextInt(600)];
      random.nextBytes(units[i]);
      long dts = 90_000 + i * 3600L;
      w.writeVideo(units[i], dts + 7200, dts, true, i % 10 == 0);
      w.writeAudio(new byte[] {(byte) i, 1, 2}, dts + 100, false);
    }
    for (int n = 150; n <= 190; n++) { // payloads that just fit, or just do not, into one packet
      w.writeAudio(new byte[n], 5, false);
    }
    TsReader r = new TsReader(out.toByteArray());
    var video = r.pes(TsWriter.VIDEO_PID);
    assertThat(video).hasSize(40);
    for (int i = 0; i < 40; i++) {
      long dts = 90_000 + i * 3600L;
      assertThat(video.get(i).payload()).isEqualTo(units[i]);
      assertThat(video.get(i).streamId()).isEqualTo(0xE0);
      assertThat(video.get(i).dts()).isEqualTo(dts);
      assertThat(video.get(i).pts()).isEqualTo(dts + 7200);
      assertThat(video.get(i).pcr())
          .as("PCR behind the DTS")
          .isEqualTo(dts - TsWriter.PCR_DELAY_90K);
      assertThat(video.get(i).randomAccess()).isEqualTo(i % 10 == 0);
    }
    var audio = r.pes(TsWriter.AUDIO_PID);
    assertThat(audio).hasSize(40 + 41);
    assertThat(audio.get(3).payload()).containsExactly(3, 1, 2);
    assertThat(audio.get(3).pts()).isEqualTo(90_000 + 3 * 3600L + 100);
    assertThat(audio.get(3).dts()).as("audio has PTS only").isEqualTo(audio.get(3).pts());
    assertThat(audio.get(3).streamId()).isEqualTo(0xC0);
    for (int n = 150; n <= 190; n++) {
      assertThat(audio.get(40 + n - 150).payload()).hasSize(n);
    }
    assertThat(r.pcrs).hasSize(40).isSorted();
  }

  @Test
  void timestampsAre33BitsWithMarkers() {
    byte[] b = new byte[5];
    long t = (1L << 33) - 1;
    TsWriter.timestamp(b, 0, 2, t);
    assertThat(TsReader.timestamp(b, 0)).isEqualTo(t);
    TsWriter.timestamp(b, 0, 2, (1L << 33) + 5);
    assertThat(TsReader.timestamp(b, 0)).as("wraps").isEqualTo(5);
  }

  @Test
  void continuityCountersGoOnAcrossOutputs() {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    TsWriter w = new TsWriter(first);
    for (int i = 0; i < 20; i++) {
      w.writeAudio(new byte[10], i, true);
    }
    ByteArrayOutputStream second = new ByteArrayOutputStream();
    w.output(second);
    w.writeAudio(new byte[10], 21, true);
    assertThat(second.toByteArray()[3] & 0x0F)
        .as("20 packets before: counter 20 mod 16")
        .isEqualTo(4);
  }
}
