import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A selector thread reading many connections. */
final class Reader extends Thread {
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
      long d = (arrivalNanos - LiveLoad.t0) / 1_000_000 - timestamp;
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
