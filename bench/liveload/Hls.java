import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** HLS side of the benchmark: playlist polling and MPEG-TS parsing. */
final class Hls {
  private Hls() {}

  /** Polls an HLS playlist; prints each new segment's listing delay. */
  static void delays(String url, double seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI base = URI.create(url);
    Set<String> seen = new HashSet<>();
    boolean first = true;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Long> delays = new ArrayList<>();
    double target = 0;
    while (System.nanoTime() < end) {
      long polled = LiveLoad.nowMs();
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        Map<String, Double> listed = new LinkedHashMap<>();
        double dur = 0;
        for (String line : r.body().split("\n")) {
          line = line.trim();
          if (line.startsWith("#EXTINF:")) {
            dur = Double.parseDouble(line.substring(8).split(",")[0]);
          } else if (line.startsWith("#EXT-X-TARGETDURATION:")) {
            target = Double.parseDouble(line.substring(22));
          } else if (!line.isEmpty() && !line.startsWith("#")) {
            listed.put(line, dur);
          }
        }
        for (Map.Entry<String, Double> e : listed.entrySet()) {
          if (seen.add(e.getKey()) && !first) {
            byte[] ts =
                http.send(
                        HttpRequest.newBuilder(base.resolve(e.getKey())).build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            long[] key = firstKeyFrame(ts);
            Long sent = key == null ? null : LiveLoad.KEY_FRAMES.get((int) key[1]);
            if (sent == null) {
              System.out.println("INFO HLS segment " + e.getKey() + ": no key frame we sent");
              continue;
            }
            long d = polled - sent;
            delays.add(d);
            System.out.printf(
                "HLS segment=%s first=%d base=%d duration=%.3f delay=%d segments=%.2f%n",
                e.getKey(), sent, key[0] - sent, e.getValue(), d, d / 1000.0 / e.getValue());
          }
        }
        first = false;
      }
      long next = polled + 100;
      while (LiveLoad.nowMs() < next) {
        Thread.sleep(5);
      }
    }
    delays.sort(null);
    if (!delays.isEmpty()) {
      System.out.printf(
          "HLS summary count=%d median=%d max=%d target=%.0f%n",
          delays.size(), delays.get(delays.size() / 2), delays.get(delays.size() - 1), target);
    }
  }

  /**
   * The first video access unit of an MPEG-TS segment: {DTS (or PTS) in ms, hash of its IDR slice},
   * or null. The hash finds the publisher's timestamp of that frame, whatever the server added to
   * the timestamps in its segments (ours 1 s, nginx-rtmp 0.7 s, for the PCR to run behind).
   */
  static long[] firstKeyFrame(byte[] ts) {
    int pid = -1;
    ByteArrayOutputStream pes = new ByteArrayOutputStream();
    for (int off = 0; off + 188 <= ts.length; off += 188) {
      if (ts[off] != 0x47) {
        continue;
      }
      boolean unitStart = (ts[off + 1] & 0x40) != 0;
      int p = ((ts[off + 1] & 0x1f) << 8) | (ts[off + 2] & 0xff);
      int afc = (ts[off + 3] >> 4) & 3;
      int at = off + 4;
      if (afc == 2) {
        continue;
      }
      if (afc == 3) {
        at += 1 + (ts[at] & 0xff);
      }
      if (pid < 0) {
        if (unitStart && ts[at] == 0 && ts[at + 1] == 0 && ts[at + 2] == 1
            && (ts[at + 3] & 0xf0) == 0xe0) {
          pid = p;
        } else {
          continue;
        }
      } else if (p != pid) {
        continue;
      } else if (unitStart) {
        break; // the next access unit
      }
      pes.write(ts, at, off + 188 - at);
    }
    byte[] b = pes.toByteArray();
    if (b.length < 19) {
      return null;
    }
    int flags = b[7] & 0xff;
    int at = (flags & 0x40) != 0 ? 14 : 9;
    long v =
        ((long) (b[at] & 0x0e) << 29)
            | ((b[at + 1] & 0xff) << 22)
            | ((b[at + 2] & 0xfe) << 14)
            | ((b[at + 3] & 0xff) << 7)
            | ((b[at + 4] & 0xfe) >> 1);
    int i = 9 + (b[8] & 0xff);
    while (i + 3 < b.length) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        int nal = i + 3;
        int end = nal;
        while (end + 2 < b.length && !(b[end] == 0 && b[end + 1] == 0 && (b[end + 2] == 1 || b[end + 2] == 0))) {
          end++;
        }
        if (end + 2 >= b.length) {
          end = b.length;
        }
        if ((b[nal] & 0x1f) == 5) {
          return new long[] {v / 90, hash(b, nal, end)};
        }
        i = end;
      } else {
        i++;
      }
    }
    return null;
  }

  /** Hash of the IDR slice of an FLV AVC tag (AVCC: 4-byte lengths), or null. */
  static Integer idrFingerprintAvcc(byte[] d) {
    int i = 5;
    while (i + 4 < d.length) {
      int len = (d[i] & 0xff) << 24 | (d[i + 1] & 0xff) << 16 | (d[i + 2] & 0xff) << 8 | (d[i + 3] & 0xff);
      int nal = i + 4;
      if (len <= 0 || nal + len > d.length) {
        return null;
      }
      if ((d[nal] & 0x1f) == 5) {
        return hash(d, nal, nal + len);
      }
      i = nal + len;
    }
    return null;
  }

  static int hash(byte[] b, int from, int to) {
    while (to > from && b[to - 1] == 0) {
      to--; // trailing zero bytes of Annex B
    }
    int h = 1;
    for (int i = from; i < to; i++) {
      h = 31 * h + b[i];
    }
    return h;
  }
}
