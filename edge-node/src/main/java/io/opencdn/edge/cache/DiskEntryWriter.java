package io.opencdn.edge.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one large disk entry while its body streams in ({@link DiskCache#openLarge}): the file
 * header first, a placeholder for the body length, then each chunk in order on the context's
 * ordered worker queue, the body's CRC32C computed as it goes. At most {@link #HIGH_WATER_BYTES}
 * are queued in memory; {@link #writeQueueFull()} and {@link #drainHandler} give the caller
 * back-pressure as a Vert.x {@code WriteStream} does. {@link #commit} fills in the length and the
 * checksum, checks the file size, syncs the file to the disk and only then publishes the entry
 * atomically (rename); {@link #abort} deletes the temporary file. Use from one event-loop context.
 */
public final class DiskEntryWriter {

  /** Bytes queued for the disk before {@link #writeQueueFull()} says so. */
  public static final long HIGH_WATER_BYTES = 1L << 20;

  private final DiskCache cache;
  private final Context ctx;
  private final CacheKey key;
  private final Path tmp;
  private final FileChannel channel;
  private final int headerLength;
  private final CachedResponse head;
  private final long freshUntil;
  private final long maxBodyBytes;
  private final AtomicLong queued = new AtomicLong();

  /** CRC32C of the body written so far (updated on the ordered worker queue only). */
  private final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();

  private volatile Throwable failure;
  private long written;
  private boolean finished;
  private volatile Handler<Void> drainHandler;

  /** The cache's stamp of this write's start: invalidations after it keep the entry out. */
  private final long started;

  DiskEntryWriter(
      DiskCache cache,
      Context ctx,
      CacheKey key,
      Path tmp,
      byte[] header,
      CachedResponse head,
      long freshUntil,
      long maxBodyBytes,
      long started)
      throws IOException {
    this.maxBodyBytes = maxBodyBytes;
    this.started = started;
    this.cache = cache;
    this.ctx = ctx;
    this.key = key;
    this.tmp = tmp;
    this.head = head;
    this.freshUntil = freshUntil;
    this.channel =
        FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    ByteBuffer h = ByteBuffer.allocate(header.length + DiskEntryFormat.LENGTH_AND_CHECKSUM);
    h.put(header).putInt(0).putInt(0).flip();
    writeFully(h);
    this.headerLength = header.length + DiskEntryFormat.LENGTH_AND_CHECKSUM;
  }

  /** Queues {@code chunk} for the file (ignored once the writer failed or finished). */
  public void write(Buffer chunk) {
    if (finished || failure != null) {
      return;
    }
    int n = chunk.length();
    written += n;
    if (written > maxBodyBytes) {
      failure = new IOException("body larger than " + maxBodyBytes + " bytes");
      return;
    }
    queued.addAndGet(n);
    byte[] bytes = chunk.getBytes();
    ctx.<Void>executeBlocking(
            () -> {
              if (failure == null) {
                crc.update(bytes, 0, bytes.length);
                writeFully(ByteBuffer.wrap(bytes));
              }
              return null;
            },
            true)
        .onComplete(
            ar -> {
              if (ar.failed() && failure == null) {
                failure = ar.cause();
              }
              long left = queued.addAndGet(-n);
              Handler<Void> h = drainHandler;
              if (h != null && left <= HIGH_WATER_BYTES / 2) {
                drainHandler = null;
                h.handle(null);
              }
            });
  }

  /** True while more than {@link #HIGH_WATER_BYTES} wait for the disk (stop reading then). */
  public boolean writeQueueFull() {
    return failure == null && !finished && queued.get() > HIGH_WATER_BYTES;
  }

  /** Called once when the queue has drained below half the high-water mark (on the context). */
  public void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
  }

  /** True when a disk write failed (e.g. the disk is full): the entry will not be published. */
  public boolean failed() {
    return failure != null;
  }

  /**
   * Finishes the entry: checks that {@code bodyLength} bytes were written, writes the length field
   * and publishes the file (budget and eviction apply). Yields the stored entry with its {@link
   * CachedResponse#bodyFile()}, or null when it was not published (write error, too large for the
   * budget, invalidated meanwhile).
   */
  public Future<CachedResponse> commit(long bodyLength) {
    if (finished) {
      return Future.succeededFuture();
    }
    finished = true;
    long expected = written;
    return ctx.<CachedResponse>executeBlocking(
            () -> {
              try {
                if (failure != null || expected != bodyLength || bodyLength > Integer.MAX_VALUE) {
                  return null;
                }
                ByteBuffer fields =
                    ByteBuffer.allocate(DiskEntryFormat.LENGTH_AND_CHECKSUM)
                        .putInt((int) bodyLength)
                        .putInt((int) crc.getValue())
                        .flip();
                while (fields.hasRemaining()) {
                  channel.write(
                      fields,
                      headerLength - DiskEntryFormat.LENGTH_AND_CHECKSUM + fields.position());
                }
                long size = channel.size();
                if (size != headerLength + bodyLength) {
                  return null;
                }
                channel.force(true); // the bytes are on the disk before the entry gets its name
                channel.close();
                Path file = cache.publishLarge(key, tmp, size, freshUntil, started);
                return file == null
                    ? null
                    : head.withBodyFile(
                        new CachedResponse.BodyFile(file, headerLength, bodyLength));
              } finally {
                closeQuietly();
                Files.deleteIfExists(tmp);
              }
            },
            true)
        .andThen(ar -> cache.doneWriting(key));
  }

  /** Drops the entry: the temporary file is deleted, nothing is published. */
  public void abort() {
    if (finished) {
      return;
    }
    finished = true;
    ctx.<Void>executeBlocking(
            () -> {
              closeQuietly();
              Files.deleteIfExists(tmp);
              return null;
            },
            true)
        .andThen(ar -> cache.doneWriting(key));
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  private void closeQuietly() {
    try {
      channel.close();
    } catch (IOException e) {
      // already failed or closed
    }
  }
}
