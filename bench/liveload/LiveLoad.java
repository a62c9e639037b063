import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Light RTMP load client for bench/live-load.sh (issue 22), JDK only, run with the single-file
 * source launcher: {@code java bench/liveload/LiveLoad.java FLV RTMP_URL STREAM KEY HLS_URL
 * PIDS STEPS WARMUP WINDOW HLS_SECONDS HZ}.
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
      hlsDelays(hls, hlsSeconds);
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

  /** Polls an HLS playlist; prints each new segment's listing delay. */
  static void hlsDelays(String url, double seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI base = URI.create(url);
    Set<String> seen = new HashSet<>();
    boolean first = true;
    long end = System.nanoTime() + (long) (seconds * 1e9);
    List<Long> delays = new ArrayList<>();
    double target = 0;
    while (System.nanoTime() < end) {
      long polled = nowMs();
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
            Long sent = key == null ? null : KEY_FRAMES.get((int) key[1]);
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
      while (nowMs() < next) {
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

  /** One FLV tag. */
  record Tag(int type, long timestamp, byte[] data) {
    boolean config() {
      return (type == 9 && data.length > 1 && data[1] == 0)
          || (type == 8 && data.length > 1 && (data[0] & 0xf0) == 0xa0 && data[1] == 0)
          || type == 18;
    }

    static List<Tag> readFlv(Path file) throws IOException {
      List<Tag> out = new ArrayList<>();
      try (DataInputStream in = new DataInputStream(new FileInputStream(file.toFile()))) {
        in.skipNBytes(9 + 4);
        while (in.available() > 0) {
          int type = in.readUnsignedByte();
          int size = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
          long ts = (in.readUnsignedShort() << 8) | in.readUnsignedByte();
          ts |= (long) in.readUnsignedByte() << 24;
          in.skipNBytes(3);
          byte[] data = in.readNBytes(size);
          in.skipNBytes(4);
          if (data.length == size && (type == 8 || type == 9 || type == 18)) {
            out.add(new Tag(type, ts, data));
          }
        }
      }
      return out;
    }
  }

  /** Sends the tags at real-time pace, looping; timestamps = ms since t0. */
  static final class Publisher extends Thread {
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
        long loop = tags.get(tags.size() - 1).timestamp() + 1000 / FPS;
        t0 = System.nanoTime(); // the first tag goes out now, with timestamp 0
        long base = 0;
        for (int round = 0; ; round++) {
          for (Tag t : tags) {
            if (round > 0 && t.config()) {
              continue;
            }
            long ts = base + t.timestamp();
            long wait;
            while ((wait = ts - nowMs()) > 0) {
              LockSupport.parkNanos(wait * 1_000_000);
            }
            maxLagMs = Math.max(maxLagMs, nowMs() - ts);
            if (t.type() == 9 && t.data().length > 5 && (t.data()[0] & 0xf0) == 0x10
                && t.data()[1] == 1) {
              Integer fp = idrFingerprintAvcc(t.data());
              if (fp != null) {
                KEY_FRAMES.put(fp, ts);
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
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A selector thread reading many connections. */
  static final class Reader extends Thread {
    static volatile long windowStart = Long.MAX_VALUE;
    static volatile long windowEnd;
    final Selector selector;
    final ConcurrentLinkedQueue<Conn> pending = new ConcurrentLinkedQueue<>();
    volatile long[] histogram = new long[10_001];
    volatile long negative;

    Reader() throws IOException {
      selector = Selector.open();
      setDaemon(true);
    }

    void add(Conn c) throws IOException {
      c.reader = this;
      pending.add(c);
      selector.wakeup();
    }

    void record(long arrivalNanos, long timestamp) {
      if (arrivalNanos >= windowStart && arrivalNanos < windowEnd) {
        long d = (arrivalNanos - t0) / 1_000_000 - timestamp;
        if (d < 0) {
          negative++;
        }
        histogram[(int) Math.max(0, Math.min(10_000, d))]++;
      }
    }

    @Override
    public void run() {
      ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
      try {
        while (true) {
          selector.select(100);
          Conn c;
          while ((c = pending.poll()) != null) {
            try {
              c.open(selector);
            } catch (IOException e) {
              c.closed = true;
              c.status = e.toString();
            }
          }
          for (SelectionKey k : selector.selectedKeys()) {
            Conn conn = (Conn) k.attachment();
            try {
              buf.clear();
              int n = conn.channel.read(buf);
              if (n < 0) {
                conn.status = "closed by server";
                conn.close();
                continue;
              }
              long now = System.nanoTime();
              buf.flip();
              conn.feed(buf, now);
            } catch (IOException | RuntimeException e) {
              conn.status = e.toString();
              conn.close();
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        System.out.println("INFO reader stopped: " + e);
      }
    }
  }

  /** One RTMP connection (publisher or player), client side. */
  static final class Conn {
    final boolean publisher;
    final String name;
    Reader reader;
    SocketChannel channel;
    volatile boolean closed;
    volatile boolean publishing;
    volatile String status = "";
    volatile int streamId;
    volatile long frames;
    volatile long windowFrames;
    volatile long firstFrameNanos;
    int outChunk = 128;
    private int inChunk = 128;
    private long ackWindow = 2_500_000;
    private long received;
    private long acked;
    private int handshake = 1 + 1536 + 1536;
    private byte[] s1;
    private int s1Filled;
    final ByteBuffer pend = ByteBuffer.allocate(512 * 1024);
    private final Map<Integer, Chunk> chunks = new HashMap<>();

    Conn(boolean publisher, String name) {
      this.publisher = publisher;
      this.name = name;
    }

    void open(Selector selector) throws IOException {
      channel = SocketChannel.open(new InetSocketAddress(host, port));
      channel.socket().setTcpNoDelay(true);
      byte[] c0c1 = new byte[1 + 1536];
      c0c1[0] = 3;
      write(ByteBuffer.wrap(c0c1));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
    }

    synchronized void write(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        if (channel.write(b) == 0) {
          LockSupport.parkNanos(100_000);
        }
      }
    }

    String local() {
      try {
        return String.valueOf(channel.getLocalAddress());
      } catch (IOException | RuntimeException e) {
        return "?";
      }
    }

    void close() {
      closed = true;
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException e) {
        // closing
      }
    }

    /** Writes one message: a type 0 chunk, then type 3 chunks. */
    synchronized void sendMessage(int csid, int type, long ts, int sid, byte[] p)
        throws IOException {
      ByteArrayOutputStream o = new ByteArrayOutputStream(p.length + 64);
      boolean ext = ts >= 0xffffff;
      o.write(csid);
      int t = ext ? 0xffffff : (int) ts;
      o.write(t >> 16);
      o.write(t >> 8);
      o.write(t);
      o.write(p.length >> 16);
      o.write(p.length >> 8);
      o.write(p.length);
      o.write(type);
      o.write(sid);
      o.write(sid >> 8);
      o.write(sid >> 16);
      o.write(sid >> 24);
      if (ext) {
        writeInt(o, ts);
      }
      for (int off = 0; off < p.length; off += outChunk) {
        if (off > 0) {
          o.write(0xc0 | csid);
          if (ext) {
            writeInt(o, ts);
          }
        }
        o.write(p, off, Math.min(outChunk, p.length - off));
      }
      write(ByteBuffer.wrap(o.toByteArray()));
    }

    static void writeInt(ByteArrayOutputStream o, long v) {
      o.write((int) (v >> 24));
      o.write((int) (v >> 16));
      o.write((int) (v >> 8));
      o.write((int) v);
    }

    void command(int sid, Object... values) throws IOException {
      sendMessage(sid == 0 ? 3 : 8, 20, 0, sid, Amf.encode(values));
    }

    void feed(ByteBuffer in, long now) throws IOException {
      received += in.remaining();
      if (handshake > 0) {
        while (in.hasRemaining() && handshake > 0) {
          int b = in.get() & 0xff;
          int pos = 1 + 1536 + 1536 - handshake;
          if (pos >= 1 && pos < 1 + 1536) {
            if (s1 == null) {
              s1 = new byte[1536];
            }
            s1[s1Filled++] = (byte) b;
          }
          handshake--;
        }
        if (handshake == 0) {
          write(ByteBuffer.wrap(s1)); // C2 echoes S1
          sendMessage(2, 1, 0, 0, new byte[] {0, 0, 0x10, 0}); // Set Chunk Size 4096
          outChunk = 4096;
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("app", app);
          o.put("type", "nonprivate");
          o.put("flashVer", publisher ? "FMLE/3.0 (compatible; LiveLoad)" : "LNX 9,0,124,2");
          o.put("tcUrl", "rtmp://" + host + ":" + port + "/" + app);
          command(0, "connect", 1.0, o);
        }
      }
      if (pend.position() + in.remaining() > pend.capacity()) {
        throw new IOException("message too large for the client buffer");
      }
      pend.put(in);
      pend.flip();
      while (parseChunk(now)) {
        // next
      }
      pend.compact();
      if (received - acked >= ackWindow) {
        acked = received;
        sendMessage(2, 3, 0, 0, new byte[] {
            (byte) (received >> 24), (byte) (received >> 16), (byte) (received >> 8), (byte) received});
      }
    }

    /** Parses one whole chunk from pend, if there is one. */
    private boolean parseChunk(long now) throws IOException {
      int start = pend.position();
      if (pend.remaining() < 1) {
        return false;
      }
      int b0 = pend.get() & 0xff;
      int fmt = b0 >> 6;
      int csid = b0 & 0x3f;
      if (csid == 0) {
        if (pend.remaining() < 1) {
          return rewind(start);
        }
        csid = 64 + (pend.get() & 0xff);
      } else if (csid == 1) {
        if (pend.remaining() < 2) {
          return rewind(start);
        }
        csid = 64 + (pend.get() & 0xff) + 256 * (pend.get() & 0xff);
      }
      int hl = fmt == 0 ? 11 : fmt == 1 ? 7 : fmt == 2 ? 3 : 0;
      if (pend.remaining() < hl) {
        return rewind(start);
      }
      Chunk c = chunks.computeIfAbsent(csid, k -> new Chunk());
      long field = 0;
      int length = c.length;
      int type = c.type;
      int sid = c.sid;
      if (fmt <= 2) {
        field = u24();
      }
      if (fmt <= 1) {
        length = u24();
        type = pend.get() & 0xff;
      }
      if (fmt == 0) {
        sid = (pend.get() & 0xff) | (pend.get() & 0xff) << 8 | (pend.get() & 0xff) << 16
            | (pend.get() & 0xff) << 24;
      }
      boolean ext = fmt <= 2 ? field == 0xffffff : c.ext;
      if (ext) {
        if (pend.remaining() < 4) {
          return rewind(start);
        }
        long e = pend.getInt() & 0xffffffffL;
        if (fmt <= 2) {
          field = e;
        }
      }
      boolean starting = c.remaining == 0;
      int payload = Math.min(inChunk, starting ? length : c.remaining);
      if (pend.remaining() < payload) {
        return rewind(start);
      }
      // the chunk is complete: commit the header
      c.ext = ext;
      c.length = length;
      c.type = type;
      c.sid = sid;
      if (fmt == 0) {
        c.timestamp = field;
        c.delta = field;
      } else if (fmt <= 2) {
        c.delta = field;
        c.timestamp += field;
      } else if (starting) {
        c.timestamp += c.delta;
      }
      if (starting) {
        c.remaining = length;
        c.body = type == 8 || type == 9 ? null : new byte[length];
        c.filled = 0;
        c.head = 0;
      }
      if (c.body != null) {
        pend.get(c.body, c.filled, payload);
      } else {
        for (int i = 0; i < payload && c.filled + i < 2; i++) {
          c.head = c.head << 8 | (pend.get(pend.position() + i) & 0xff);
        }
        pend.position(pend.position() + payload);
      }
      c.filled += payload;
      c.remaining -= payload;
      if (c.remaining == 0) {
        message(c, now);
      }
      return true;
    }

    private boolean rewind(int start) {
      pend.position(start);
      return false;
    }

    private int u24() {
      return (pend.get() & 0xff) << 16 | (pend.get() & 0xff) << 8 | (pend.get() & 0xff);
    }

    private void message(Chunk c, long now) throws IOException {
      switch (c.type) {
        case 9 -> {
          // a coded frame: AVC packet type 1 (not the sequence header), or any other codec's frame
          boolean avc = c.length >= 2 && ((c.head >> 8) & 0x0f) == 7;
          if (c.length >= 2 && (!avc || (c.head & 0xff) == 1)) {
            if (frames++ == 0) {
              firstFrameNanos = now;
            }
            if (now >= Reader.windowStart && now < Reader.windowEnd) {
              windowFrames++;
            }
            reader.record(now, c.timestamp);
          }
        }
        case 1 -> inChunk = (int) (be32(c.body) & 0x7fffffff);
        case 5 -> ackWindow = be32(c.body);
        case 4 -> {
          if (c.body.length >= 6 && c.body[1] == 6) { // Ping Request -> Ping Response
            byte[] r = c.body.clone();
            r[1] = 7;
            sendMessage(2, 4, 0, 0, r);
          }
        }
        case 20 -> command(Amf.decode(c.body));
        default -> {
          // acknowledgements, peer bandwidth, data, audio: nothing to do
        }
      }
    }

    private void command(List<Object> v) throws IOException {
      String cmd = String.valueOf(v.get(0));
      double txn = v.size() > 1 && v.get(1) instanceof Double d ? d : 0;
      if (cmd.equals("_result") && txn == 1) {
        if (publisher) {
          command(0, "releaseStream", 2.0, null, name);
          command(0, "FCPublish", 3.0, null, name);
        }
        command(0, "createStream", 4.0, null);
      } else if (cmd.equals("_result") && txn == 4) {
        streamId = ((Double) v.get(3)).intValue();
        if (publisher) {
          command(streamId, "publish", 5.0, null, name, "live");
        } else {
          byte[] buffer = {0, 3, 0, 0, 0, (byte) streamId, 0, 0, 0x0b, (byte) 0xb8};
          sendMessage(2, 4, 0, 0, buffer); // Set Buffer Length 3000 ms
          command(streamId, "play", 0.0, null, name, -2000.0);
        }
      } else if (cmd.equals("onStatus") && v.size() > 3 && v.get(3) instanceof Map<?, ?> info) {
        String code = String.valueOf(info.get("code"));
        status = code;
        if (code.equals("NetStream.Publish.Start")) {
          publishing = true;
        } else if (code.contains("Failed") || code.contains("Denied") || code.contains("NotFound")
            || code.contains("BadName")) {
          close();
        }
      } else if (cmd.equals("_error")) {
        status = "_error " + v;
        close();
      }
    }

    static long be32(byte[] b) {
      return (b[0] & 0xffL) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }
  }

  /** State of one chunk stream. */
  static final class Chunk {
    long timestamp;
    long delta;
    int length;
    int type;
    int sid;
    boolean ext;
    int remaining;
    int filled;
    int head;
    byte[] body;
  }

  /** The few AMF0 types commands use. */
  static final class Amf {
    static byte[] encode(Object... values) {
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      for (Object v : values) {
        value(o, v);
      }
      return o.toByteArray();
    }

    private static void value(ByteArrayOutputStream o, Object v) {
      if (v == null) {
        o.write(5);
      } else if (v instanceof Double d) {
        o.write(0);
        long bits = Double.doubleToLongBits(d);
        for (int i = 7; i >= 0; i--) {
          o.write((int) (bits >> (8 * i)));
        }
      } else if (v instanceof Boolean b) {
        o.write(1);
        o.write(b ? 1 : 0);
      } else if (v instanceof String s) {
        o.write(2);
        string(o, s);
      } else if (v instanceof Map<?, ?> m) {
        o.write(3);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          string(o, (String) e.getKey());
          value(o, e.getValue());
        }
        o.write(0);
        o.write(0);
        o.write(9);
      } else {
        throw new IllegalArgumentException("AMF0: " + v);
      }
    }

    private static void string(ByteArrayOutputStream o, String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      o.write(b.length >> 8);
      o.write(b.length);
      o.write(b, 0, b.length);
    }

    static List<Object> decode(byte[] data) {
      ByteBuffer b = ByteBuffer.wrap(data);
      List<Object> out = new ArrayList<>();
      while (b.hasRemaining()) {
        out.add(read(b));
      }
      return out;
    }

    private static Object read(ByteBuffer b) {
      int t = b.get() & 0xff;
      switch (t) {
        case 0:
          return b.getDouble();
        case 1:
          return b.get() != 0;
        case 2:
          return str(b, b.getShort() & 0xffff);
        case 3:
          return object(b);
        case 8:
          b.getInt();
          return object(b);
        case 5:
        case 6:
          return null;
        case 10:
          {
            int n = b.getInt();
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
              l.add(read(b));
            }
            return l;
          }
        case 12:
          return str(b, b.getInt());
        default:
          throw new IllegalArgumentException("AMF0 type " + t);
      }
    }

    private static Map<String, Object> object(ByteBuffer b) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (true) {
        String k = str(b, b.getShort() & 0xffff);
        if (k.isEmpty() && b.get(b.position()) == 9) {
          b.get();
          return m;
        }
        m.put(k, read(b));
      }
    }

    private static String str(ByteBuffer b, int n) {
      byte[] s = new byte[n];
      b.get(s);
      return new String(s, StandardCharsets.UTF_8);
    }
  }
}
