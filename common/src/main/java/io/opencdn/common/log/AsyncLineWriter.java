package io.opencdn.common.log;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes log lines from any thread to a file or standard output on a thread of its own, so the
 * threads that produce them (event loops) never wait for I/O. {@link #offer} is lock-free and
 * never blocks: it adds the line to a queue whose size is bounded in bytes
 * ({@code maxPendingBytes}), and drops the line (counted in {@link #dropped()}) when the queue is
 * full, e.g. while the disk stalls or the consumer of standard output reads slowly.
 *
 * <p>Lines are expected to be ASCII (the callers escape everything else, see {@link JsonText});
 * a character above 0xFF is written as {@code ?}. The writer batches lines into writes of up to
 * 64 KiB that always end at a line boundary, so lines from another writer of the same file
 * descriptor are never cut in the middle of a line by these. When the queue is empty it flushes
 * and sleeps for up to {@value #IDLE_MILLIS} ms: a line reaches the output within about that time
 * (producers never signal the writer, which would cost a system call per line). A failed write is
 * logged once (until a write succeeds again) and its lines counted as dropped.
 */
public final class AsyncLineWriter implements AutoCloseable {

  /** The {@code path} that means standard output. */
  public static final String STDOUT = "-";
  static final int IDLE_MILLIS = 5;
  private static final int BUFFER = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AsyncLineWriter.class);

  private final ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong pendingBytes = new AtomicLong();
  private final long maxPendingBytes;
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final OutputStream out;
  private final String name;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * A writer of {@code out} on a new daemon thread named {@code name}.
   *
   * @param maxPendingBytes at most this many bytes of lines wait to be written (>= 1)
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
   * A writer that appends to the file {@code path} (created when missing; parent directories
   * too), or to standard output for {@value #STDOUT}.
   */
  public static AsyncLineWriter open(String path, long maxPendingBytes, String name) throws IOException {
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

  /**
   * Queues {@code line} (without its line end) to be written; false, and the line counted as
   * dropped, when the queue is full or the writer closed. Never blocks.
   */
  public boolean offer(String line) {
    long n = line.length() + 1L;
    if (closed || pendingBytes.addAndGet(n) > maxPendingBytes) {
      if (!closed) {
        pendingBytes.addAndGet(-n);
      }
      dropped.increment();
      return false;
    }
    queue.offer(line);
    return true;
  }

  /** Lines written to the output so far. */
  public long written() {
    return written.sum();
  }

  /** Lines dropped so far: queue full, writer closed, or failed writes. */
  public long dropped() {
    return dropped.sum();
  }

  /** Bytes of lines waiting to be written (at most {@code maxPendingBytes}). */
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

  private void run() {
    byte[] buf = new byte[BUFFER];
    int pos = 0;
    int lines = 0;
    boolean failing = false;
    while (true) {
      String line = queue.poll();
      if (line == null || pos + line.length() + 1 > BUFFER) {
        if (pos > 0) {
          failing = write(buf, pos, lines, failing);
          pos = 0;
          lines = 0;
        }
        if (line == null) {
          if (closed && queue.isEmpty()) {
            break;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS));
          continue;
        }
      }
      pendingBytes.addAndGet(-(line.length() + 1L));
      if (line.length() + 1 > BUFFER) {
        byte[] big = new byte[line.length() + 1];
        pos = copy(line, big, 0);
        failing = write(big, pos, 1, failing);
        pos = 0;
        continue;
      }
      pos = copy(line, buf, pos);
      lines++;
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

  private static int copy(String line, byte[] buf, int pos) {
    int n = line.length();
    for (int i = 0; i < n; i++) {
      char c = line.charAt(i);
      buf[pos++] = c <= 0xFF ? (byte) c : (byte) '?';
    }
    buf[pos++] = '\n';
    return pos;
  }

  /** Writes, counting the lines; returns whether the output is failing (logged once per failure run). */
  private boolean write(byte[] buf, int len, int lines, boolean failing) {
    try {
      out.write(buf, 0, len);
      out.flush();
      written.add(lines);
      return false;
    } catch (IOException e) {
      dropped.add(lines);
      if (!failing) {
        LOG.warn("{}: writing log lines failed, dropping them until a write succeeds: {}", name, e.toString());
      }
      return true;
    }
  }
}
