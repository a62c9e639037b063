package io.opencdn.common.log;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes log lines from any thread to a file or standard output on a thread of its own, so the
 * threads that produce them (event loops) never wait for I/O, and costs them little: each producing
 * thread appends its lines as bytes to a chunk of its own ({@value #CHUNK} bytes, under a lock only
 * the writer thread ever contends for), and hands a full chunk to the writer through a queue
 * bounded in bytes ({@code maxPendingBytes}). A chunk that does not fit the queue is dropped and
 * its lines counted ({@link #dropped()}), e.g. while the disk stalls or the reader of standard
 * output is slow: producers never block. So memory stays within {@code maxPendingBytes} plus one
 * chunk per producing thread.
 *
 * <p>The writer writes every full chunk, and at least every {@value #SWEEP_MILLIS} ms takes the
 * partial chunk of each producing thread: a line reaches the output within about that time, and the
 * lines of one thread in the order it offered them. Each write is of whole lines, so lines of
 * another writer of the same descriptor never cut one of these. Lines are ASCII (the callers escape
 * everything else: {@link AsciiLine}, {@link JsonText}); {@link #offer(String)} writes a character
 * above 0xFF as {@code ?}. A failed write is logged once (until a write succeeds again) and its
 * lines counted as dropped.
 */
public final class AsyncLineWriter implements AutoCloseable {

  /** The {@code path} that means standard output. */
  public static final String STDOUT = "-";

  static final int CHUNK = 32 * 1024;
  static final int SWEEP_MILLIS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(AsyncLineWriter.class);

  /** One producing thread's chunk; guarded by its own monitor. */
  private static final class Stripe {
    byte[] buf = new byte[CHUNK];
    int pos;
    int lines;
  }

  private record Chunk(byte[] buf, int length, int lines) {}

  private final ThreadLocal<Stripe> local = ThreadLocal.withInitial(this::newStripe);
  private final List<Stripe> stripes = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Chunk> queue = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final long maxPendingBytes;
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final OutputStream out;
  private final String name;
  private final Thread thread;
  private volatile boolean closed;
  private boolean failing;

  /**
   * A writer of {@code out} on a new daemon thread named {@code name}.
   *
   * @param maxPendingBytes at most this many bytes of full chunks wait to be written (>= 1)
   */
  public AsyncLineWriter(OutputStream out, long maxPendingBytes, String name) {
    if (maxPendingBytes < 1) {
      throw new IllegalArgumentException("maxPendingBytes must be >= 1, got " + maxPendingBytes);
    }
    this.out = out;
    this.maxPendingBytes = maxPendingBytes;
    this.name = name;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A writer that appends to the file {@code path} (created when missing; parent directories too),
   * or to standard output for {@value #STDOUT}.
   */
  public static AsyncLineWriter open(String path, long maxPendingBytes, String name)
      throws IOException {
    OutputStream out;
    if (STDOUT.equals(path)) {
      out = new FileOutputStream(FileDescriptor.out);
    } else {
      Path p = Path.of(path).toAbsolutePath();
      if (p.getParent() != null) {
        Files.createDirectories(p.getParent());
      }
      out = new FileOutputStream(p.toFile(), true);
    }
    return new AsyncLineWriter(out, maxPendingBytes, name);
  }

  private Stripe newStripe() {
    Stripe s = new Stripe();
    stripes.add(s);
    return s;
  }

  /**
   * Queues the line {@code bytes[0, length)} (without its line end); false, and the line counted as
   * dropped, when the writer is closed. Never blocks.
   */
  public boolean offer(byte[] bytes, int length) {
    Stripe s = local.get();
    synchronized (s) {
      if (closed) {
        dropped.increment();
        return false;
      }
      if (s.pos + length + 1 > s.buf.length) {
        handOff(s, length + 1);
      }
      System.arraycopy(bytes, 0, s.buf, s.pos, length);
      s.buf[s.pos + length] = '\n';
      s.pos += length + 1;
      s.lines++;
    }
    return true;
  }

  /** Queues the line {@code line} ({@link #offer(byte[], int)}). */
  public boolean offer(AsciiLine line) {
    return offer(line.bytes(), line.length());
  }

  /** Queues {@code line} (ASCII expected; other characters as {@code ?}). */
  public boolean offer(String line) {
    byte[] b = new byte[line.length()];
    for (int i = 0; i < b.length; i++) {
      char c = line.charAt(i);
      b[i] = c <= 0xFF ? (byte) c : (byte) '?';
    }
    return offer(b, b.length);
  }

  /**
   * Hands the stripe's chunk to the writer (or drops it when the queue is full); leaves room for
   * {@code need} bytes.
   */
  private void handOff(Stripe s, int need) {
    if (s.pos > 0) {
      if (pendingBytes.addAndGet(s.pos) > maxPendingBytes) {
        pendingBytes.addAndGet(-s.pos);
        dropped.add(s.lines);
      } else {
        queue.offer(new Chunk(s.buf, s.pos, s.lines));
        LockSupport.unpark(thread);
        s.buf = null;
      }
    }
    s.pos = 0;
    s.lines = 0;
    if (s.buf == null || s.buf.length < need) {
      byte[] b = need <= CHUNK ? free.poll() : null;
      s.buf = b != null ? b : new byte[Math.max(CHUNK, need)];
    }
  }

  private void drain() {
    Chunk c;
    while ((c = queue.poll()) != null) {
      pendingBytes.addAndGet(-c.length());
      write(c);
    }
  }

  /** Lines written to the output so far. */
  public long written() {
    return written.sum();
  }

  /** Lines dropped so far: queue full, writer closed, or failed writes. */
  public long dropped() {
    return dropped.sum();
  }

  /** Bytes of full chunks waiting to be written (at most {@code maxPendingBytes}). */
  public long pendingBytes() {
    return Math.max(0, pendingBytes.get());
  }

  /**
   * Stops taking lines, writes what is queued and closes the output (standard output is flushed,
   * not closed). Waits for the writer thread up to 5 s; call it off event loops.
   */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@link #close()} on a worker thread of {@code vertx}, for a caller on an event loop; done at
   * once when {@code writer} is null (no log configured).
   */
  public static Future<Void> close(Vertx vertx, AsyncLineWriter writer) {
    return writer == null
        ? Future.succeededFuture()
        : vertx.executeBlocking(
            () -> {
              writer.close();
              return null;
            },
            false);
  }

  private void run() {
    long sweepNanos = TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
    long lastSweep = System.nanoTime();
    while (true) {
      boolean last = closed;
      drain();
      long now = System.nanoTime();
      if (last || now - lastSweep >= sweepNanos) {
        sweep();
        drain();
        lastSweep = now;
      }
      if (last) {
        break;
      }
      LockSupport.parkNanos(sweepNanos);
    }
    try {
      if (out instanceof FileOutputStream f && f.getFD() == FileDescriptor.out) {
        out.flush();
      } else {
        out.close();
      }
    } catch (IOException e) {
      LOG.warn("{}: closing the output failed: {}", name, e.toString());
    }
  }

  /**
   * Queues the partial chunk of every producing thread, behind the full chunks that thread queued
   * before (under its lock), so each thread's lines keep their order.
   */
  private void sweep() {
    for (Stripe s : stripes) {
      synchronized (s) {
        if (s.pos > 0) {
          pendingBytes.addAndGet(s.pos);
          queue.offer(new Chunk(s.buf, s.pos, s.lines));
          byte[] b = free.poll();
          s.buf = b != null ? b : new byte[CHUNK];
          s.pos = 0;
          s.lines = 0;
        }
      }
    }
  }

  private void write(Chunk c) {
    try {
      out.write(c.buf(), 0, c.length());
      out.flush();
      written.add(c.lines());
      failing = false;
    } catch (IOException e) {
      dropped.add(c.lines());
      if (!failing) {
        LOG.warn(
            "{}: writing log lines failed, dropping them until a write succeeds: {}",
            name,
            e.toString());
      }
      failing = true;
    }
    if (c.buf().length == CHUNK && free.size() < 16) {
      free.offer(c.buf());
    }
  }
}
