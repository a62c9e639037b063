import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Sends the tags at real-time pace, looping; timestamps = ms since the tool's t0. */
final class Publisher extends Thread {
  final Conn conn;
  final List<Tag> tags;
  volatile long maxLagMs;

  Publisher(Conn conn, List<Tag> tags) {
    this.conn = conn;
    this.tags = tags;
    setDaemon(true);
  }

  @Override
  public void run() {
    try {
      while (!conn.publishing) {
        Thread.sleep(5);
      }
      long loop = tags.get(tags.size() - 1).timestamp() + 1000 / LiveLoad.FPS;
      LiveLoad.t0 = System.nanoTime(); // the first tag goes out now, with timestamp 0
      long base = 0;
      for (int round = 0; ; round++) {
        for (Tag t : tags) {
          if (round > 0 && t.config()) {
            continue;
          }
          long ts = base + t.timestamp();
          long wait;
          while ((wait = ts - LiveLoad.nowMs()) > 0) {
            LockSupport.parkNanos(wait * 1_000_000);
          }
          maxLagMs = Math.max(maxLagMs, LiveLoad.nowMs() - ts);
          if (t.type() == 9 && t.data().length > 5 && (t.data()[0] & 0xf0) == 0x10
              && t.data()[1] == 1) {
            Integer fp = Hls.idrFingerprintAvcc(t.data());
            if (fp != null) {
              LiveLoad.KEY_FRAMES.put(fp, ts);
            }
          }
          byte[] data = t.data();
          if (t.type() == 18) {
            data = concat(Amf.encode("@setDataFrame"), data);
          }
          conn.sendMessage(t.type() == 9 ? 6 : t.type() == 8 ? 4 : 5, t.type(), ts, conn.streamId, data);
        }
        base += loop;
      }
    } catch (Exception e) {
      System.out.println("INFO publisher stopped: " + e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
  byte[] out = new byte[a.length + b.length];
  System.arraycopy(a, 0, out, 0, a.length);
  System.arraycopy(b, 0, out, a.length, b.length);
  return out;
}
}
