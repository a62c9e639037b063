import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/** One RTMP connection (publisher or player), client side. */
final class Conn {
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
    channel = SocketChannel.open(new InetSocketAddress(LiveLoad.host, LiveLoad.port));
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
        o.put("app", LiveLoad.app);
        o.put("type", "nonprivate");
        o.put("flashVer", publisher ? "FMLE/3.0 (compatible; LiveLoad)" : "LNX 9,0,124,2");
        o.put("tcUrl", "rtmp://" + LiveLoad.host + ":" + LiveLoad.port + "/" + LiveLoad.app);
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
final class Chunk {
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
