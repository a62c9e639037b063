import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Light RTMP load client for bench/live-load.sh (issue 22), JDK only: {@code javac -d DIR
 * bench/liveload/*.java; java -cp DIR LiveLoad FLV RTMP_URL STREAM KEY HLS_URL PIDS STEPS WARMUP
 * WINDOW HLS_SECONDS HZ}. The other classes here: {@link Publisher}, {@link Tag}, {@link Reader},
 * {@link Conn} (the RTMP client), {@link Amf}, {@link Hls}.
 *
 * <p>One process plays both ends. The publisher sends the FLV's tags over RTMP at real-time pace,
 * looping, each with timestamp = wall-clock milliseconds since the tool's t0 (the first tag goes out
 * at t0 with timestamp 0). Players are minimal RTMP clients (handshake, connect, createStream, play,
 * chunk parsing, acknowledgements; no decoding), all on two NIO selector threads; each video frame's
 * delay is its arrival time minus (t0 + its timestamp): the delay through the server alone, without
 * encoder, decoder or player buffer. First, with the publisher alone, HLS_URL's playlist is polled
 * every 100 ms for HLS_SECONDS: for each new segment, the time it became listed minus the time its
 * first key frame was sent (t0 + the publisher's timestamp of that frame, found by a hash of its IDR
 * slice, since servers shift the timestamps in their segments). Then for each N in STEPS: N
 * players, until all have a first frame (at most WARMUP s) and 2 s more, then a WINDOW s
 * measurement (frames per player, delays, server CPU from /proc/PID/stat of PIDS). The ramp stops
 * after the first step where a player got under 95% of the frames or was disconnected. Lines start
 * with IDLE, HLS, STEP or INFO; all times in milliseconds. Use "-" as KEY for none, as HLS_URL to
 * skip HLS. With LIVELOAD_PAUSE=MS in the environment, each step's players stay connected MS longer
 * after the window (to look at them with ss).
 */
public final class LiveLoad {
  static final int FPS = 25;
  static volatile long t0;
  /** Publisher timestamp of the last sending of each key frame, by a hash of its IDR slice. */
  static final Map<Integer, Long> KEY_FRAMES = new java.util.concurrent.ConcurrentHashMap<>();
  static String app;
  static String host;
  static int port;

  public static void main(String[] a) throws Exception {
    List<Tag> tags = Tag.readFlv(Path.of(a[0]));
    URI rtmp = URI.create(a[1]);
    host = rtmp.getHost();
    port = rtmp.getPort();
    app = rtmp.getPath().substring(1);
    String stream = a[2];
    String key = a[3];
    String hls = a[4];
    int[] pids = parseInts(a[5].split(","));
    int[] steps = parseInts(a[6].split(","));
    double warmup = Double.parseDouble(a[7]);
    double window = Double.parseDouble(a[8]);
    double hlsSeconds = Double.parseDouble(a[9]);
    double hz = Double.parseDouble(a[10]);

    Reader[] readers = {new Reader(), new Reader()};
    for (Reader r : readers) {
      r.start();
    }
    t0 = System.nanoTime();
    Conn pub = new Conn(true, key.equals("-") ? stream : stream + "?key=" + key);
    readers[0].add(pub);
    Publisher publisher = new Publisher(pub, tags);
    publisher.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!pub.publishing) {
      if (System.nanoTime() > deadline || pub.closed) {
        throw new IOException("publish not accepted: " + pub.status);
      }
      Thread.sleep(10);
    }
    Thread.sleep(3000); // a few GOPs on the server before anything is measured

    long c0 = cpu(pids);
    long s0 = cpu(new int[] {(int) ProcessHandle.current().pid()});
    long w0 = System.nanoTime();
    if (!hls.equals("-")) {
      Hls.delays(hls, hlsSeconds);
    } else {
      Thread.sleep((long) (hlsSeconds * 1000));
    }
    double secs = (System.nanoTime() - w0) / 1e9;
    System.out.printf(
        "IDLE cpu=%.1f tool=%.1f%n",
        (cpu(pids) - c0) / hz / secs * 100,
        (cpu(new int[] {(int) ProcessHandle.current().pid()}) - s0) / hz / secs * 100);

    for (int n : steps) {
      List<Conn> players = new ArrayList<>();
      long stepStart = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Conn c = new Conn(false, stream);
        players.add(c);
        readers[i % 2].add(c);
      }
      long warmDeadline = stepStart + (long) (warmup * 1e9);
      while (System.nanoTime() < warmDeadline
          && players.stream().anyMatch(c -> c.frames == 0 && !c.closed)) {
        Thread.sleep(50);
      }
      long started = (System.nanoTime() - stepStart) / 1_000_000;
      Thread.sleep(2000); // settle: the start-up bursts (GOP cache) are over
      for (Reader r : readers) {
        r.histogram = new long[10_001];
        r.negative = 0;
      }
      long cpuBefore = cpu(pids);
      long toolBefore = cpu(new int[] {(int) ProcessHandle.current().pid()});
      long lagBefore = publisher.maxLagMs;
      publisher.maxLagMs = 0;
      long start = System.nanoTime();
      Reader.windowStart = start;
      Reader.windowEnd = start + (long) (window * 1e9);
      Thread.sleep((long) (window * 1000));
      long end = System.nanoTime();
      double s = (end - start) / 1e9;
      double cpu = (cpu(pids) - cpuBefore) / hz / s * 100;
      double tool = (cpu(new int[] {(int) ProcessHandle.current().pid()}) - toolBefore) / hz / s * 100;
      Thread.sleep(200); // frames stamped inside the window may still be parsed
      long[] h = new long[10_001];
      long negative = 0;
      for (Reader r : readers) {
        negative += r.negative;
        for (int i = 0; i < h.length; i++) {
          h[i] += r.histogram[i];
        }
      }
      double expected = FPS * window;
      int under = 0;
      int dropped = 0;
      int neverStarted = 0;
      int reported = 0;
      long startMax = 0;
      double min = Double.MAX_VALUE;
      double sum = 0;
      for (Conn c : players) {
        double ratio = c.windowFrames / expected;
        sum += ratio;
        min = Math.min(min, ratio);
        if (c.closed) {
          dropped++;
        } else if (ratio < 0.95) {
          under++;
        }
        if (c.frames == 0 || c.firstFrameNanos >= start) {
          neverStarted++;
        } else {
          startMax = Math.max(startMax, (c.firstFrameNanos - stepStart) / 1_000_000);
        }
        if (ratio < 0.95 && reported++ < 3) {
          System.out.printf(
              "INFO n=%d player %s frames=%d in window=%d closed=%s status=%s first frame after %d ms"
                  + " parse buffer %d bytes%n",
              n, c.local(), c.frames, c.windowFrames, c.closed, c.status,
              c.frames == 0 ? -1 : (c.firstFrameNanos - stepStart) / 1_000_000, c.pend.position());
        }
      }
      String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
      System.out.printf(
          "STEP n=%d cpu=%.1f tool=%.1f mean=%.3f min=%.3f under95=%d dropped=%d late=%d startmax=%d allstarted=%d"
              + " p50=%d p99=%d max=%d frames=%d negative=%d publag=%d load=%s%n",
          n, cpu, tool, sum / n, min, under, dropped, neverStarted, startMax, started, pct(h, 0.5), pct(h, 0.99),
          pct(h, 1.0), total(h), negative, Math.max(lagBefore, publisher.maxLagMs), load);
      if (System.getenv("LIVELOAD_PAUSE") != null) {
        Thread.sleep(Long.parseLong(System.getenv("LIVELOAD_PAUSE")));
      }
      for (Conn c : players) {
        c.close();
      }
      Thread.sleep(1000);
      if (under + dropped > 0) {
        break;
      }
    }
    System.exit(0);
  }

  static int[] parseInts(String[] s) {
    int[] out = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Integer.parseInt(s[i].trim());
    }
    return out;
  }

  /** utime + stime in clock ticks of the given processes (all their threads). */
  static long cpu(int[] pids) {
    long sum = 0;
    for (int pid : pids) {
      try {
        String st = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (IOException e) {
        // gone
      }
    }
    return sum;
  }

  static long total(long[] h) {
    long t = 0;
    for (long v : h) {
      t += v;
    }
    return t;
  }

  static int pct(long[] h, double q) {
    long t = total(h);
    if (t == 0) {
      return -1;
    }
    long want = Math.max(1, (long) Math.ceil(q * t));
    long seen = 0;
    for (int i = 0; i < h.length; i++) {
      seen += h[i];
      if (seen >= want) {
        return i;
      }
    }
    return h.length - 1;
  }

  static long nowMs() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

}
