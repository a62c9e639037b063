package io.opencdn.edge.fill;

import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes one body with gzip and Brotli while it streams in ({@link Compressor#streaming}): chunks
 * written on the event loop are queued and encoded in order by tasks on the compression pool, one
 * task at a time per body and at most {@link #BATCH_BYTES} per task, so that several bodies share
 * the pool in turn. Never encodes on the event loop.
 *
 * <p>Memory: at most {@link #HIGH_WATER_BYTES} (plus one chunk) of input wait for the pool; {@link
 * #writeQueueFull()} and {@link #drainHandler} give the writer back-pressure as a Vert.x {@code
 * WriteStream} does. The encodings themselves grow as the input is encoded (the memory tier stores
 * whole bodies); either growing past {@code maxOutput}, or the input past {@code maxInput},
 * abandons them. {@link #abandon} drops the queue and frees the encoders (Brotli's native state
 * included) on the pool; {@link #end} yields both encodings, or fails when they were abandoned. Use
 * from one event-loop context.
 */
public final class StreamEncoder {

  /**
   * What an encoder reports.
   *
   * @param queued the input bytes waiting for the pool, after each write
   * @param encoded input bytes encoded, after each chunk (on the pool)
   * @param open encoders not yet freed (incremented when made, decremented when freed)
   */
  public record Meters(LongConsumer queued, LongConsumer encoded, AtomicLong open) {}

  /** Input bytes queued for the pool before {@link #writeQueueFull()} says so. */
  public static final long HIGH_WATER_BYTES = 1L << 20;

  /** Input bytes one pool task encodes before it lets other bodies' tasks run. */
  static final long BATCH_BYTES = 256L << 10;

  private final WorkerExecutor pool;
  private final Context ctx;
  private final long maxInput;
  private final long maxOutput;
  private final int level;
  private final int quality;
  private final boolean brotli;
  private final Meters meters;
  private final Promise<Compressor.Encoded> result = Promise.promise();

  // shared between the event loop and the pool, guarded by this
  private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
  private long queued;
  private boolean running;
  private boolean ending;

  private volatile boolean abandoned;
  private volatile Handler<Void> drainHandler;

  // event loop only
  private long accepted;

  // pool only (one task at a time)
  private Deflater deflater;
  private final CRC32 crc = new CRC32();
  private Buffer gzip;
  private Sink brSink;
  private BrotliOutputStream br;
  private final byte[] chunk = new byte[64 * 1024];
  private long encoded;
  private boolean released;

  StreamEncoder(
      WorkerExecutor pool,
      Context ctx,
      long maxInput,
      long maxOutput,
      boolean dense,
      boolean brotli,
      Meters meters) {
    this.pool = pool;
    this.ctx = ctx;
    this.maxInput = maxInput;
    this.maxOutput = maxOutput;
    this.level = dense ? 9 : 6;
    this.quality = dense ? 9 : 5;
    this.brotli = brotli;
    this.meters = meters;
    meters.open().incrementAndGet();
  }

  /** Queues {@code chunk} for encoding (ignored once abandoned or ended). */
  public void write(Buffer chunk) {
    if (abandoned || result.future().isComplete()) {
      return;
    }
    accepted += chunk.length();
    if (accepted > maxInput) {
      abandon("body longer than " + maxInput + " bytes");
      return;
    }
    byte[] bytes = chunk.getBytes();
    boolean start;
    synchronized (this) {
      if (ending) {
        return;
      }
      queue.add(bytes);
      queued += bytes.length;
      meters.queued().accept(queued);
      start = !running;
      running = true;
    }
    if (start) {
      submit();
    }
  }

  /** True while more than {@link #HIGH_WATER_BYTES} wait for the pool (stop reading then). */
  public boolean writeQueueFull() {
    return !abandoned && queued() > HIGH_WATER_BYTES;
  }

  /** Called once, on the context, when the queue drained to half the mark or was abandoned. */
  public void drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    if (abandoned || queued() <= HIGH_WATER_BYTES / 2) {
      ctx.runOnContext(v -> fireDrain()); // drained before the handler was seen by the pool
    }
  }

  /**
   * No more input: yields both encodings once every queued chunk is encoded (on the context), or
   * fails when they were abandoned.
   */
  public Future<Compressor.Encoded> end() {
    boolean start;
    synchronized (this) {
      ending = true;
      start = !running;
      running = true;
    }
    if (start) {
      submit();
    }
    return result.future();
  }

  /** Gives the encodings up: the queue is dropped and the encoders freed; {@link #end} fails. */
  public void abandon(String why) {
    if (abandoned) {
      return;
    }
    abandoned = true;
    result.tryFail(new IOException("compression abandoned: " + why));
    boolean start;
    synchronized (this) {
      queue.clear();
      queued = 0;
      start = !running;
      running = true;
    }
    if (start) {
      submit();
    }
    fireDrain();
  }

  /** Whether the encodings were given up. */
  public boolean abandoned() {
    return abandoned;
  }

  private synchronized long queued() {
    return queued;
  }

  private void submit() {
    pool.executeBlocking(
        () -> {
          drain();
          return null;
        },
        false);
  }

  /** One task on the pool: encodes up to a batch of queued input, then resubmits or stops. */
  private void drain() {
    long batch = 0;
    while (true) {
      byte[] next;
      boolean finish = false;
      synchronized (this) {
        if (abandoned) {
          queue.clear();
          queued = 0;
        }
        next = queue.poll();
        if (next != null) {
          queued -= next.length;
        } else if (ending && !abandoned && !released) {
          finish = true;
        } else {
          running = false;
          if (abandoned) {
            release();
          }
          return;
        }
      }
      try {
        if (finish) {
          Compressor.Encoded enc = finish();
          ctx.runOnContext(v -> result.tryComplete(enc));
          synchronized (this) {
            running = false;
          }
          return;
        }
        encode(next);
      } catch (IOException | RuntimeException e) {
        release();
        ctx.runOnContext(v -> abandon(e.getMessage() == null ? e.toString() : e.getMessage()));
        synchronized (this) {
          running = false;
        }
        return;
      }
      if (drainHandler != null && queued() <= HIGH_WATER_BYTES / 2) {
        ctx.runOnContext(v -> fireDrain());
      }
      batch += next.length;
      if (batch >= BATCH_BYTES) {
        submit(); // still running: the next task goes on where this one stopped
        return;
      }
    }
  }

  private void fireDrain() {
    Handler<Void> h = drainHandler;
    if (h != null && (abandoned || queued() <= HIGH_WATER_BYTES / 2)) {
      drainHandler = null;
      h.handle(null);
    }
  }

  private void encode(byte[] in) throws IOException {
    if (deflater == null) {
      deflater = new Deflater(level, true);
      gzip = Buffer.buffer(64 * 1024);
      gzip.appendBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
      if (brotli) {
        brSink = new Sink();
        br =
            new BrotliOutputStream(
                brSink,
                new Encoder.Parameters()
                    .setQuality(quality)
                    .setWindow(22)
                    .setMode(Encoder.Mode.TEXT),
                64 * 1024);
      }
    }
    encoded += in.length;
    meters.encoded().accept(in.length);
    crc.update(in);
    deflater.setInput(in);
    while (!deflater.needsInput()) {
      gzip.appendBytes(chunk, 0, deflater.deflate(chunk));
    }
    if (br != null) {
      br.write(in);
    }
    checkOutput();
  }

  private Compressor.Encoded finish() throws IOException {
    if (deflater == null) {
      encode(new byte[0]);
    }
    deflater.finish();
    while (!deflater.finished()) {
      gzip.appendBytes(chunk, 0, deflater.deflate(chunk));
    }
    gzip.appendIntLE((int) crc.getValue());
    gzip.appendIntLE((int) encoded);
    if (br != null) {
      br.close();
    }
    checkOutput();
    Compressor.Encoded enc = new Compressor.Encoded(gzip, br != null ? brSink.out : null);
    release();
    return enc;
  }

  private void checkOutput() throws IOException {
    if (gzip.length() > maxOutput || (brSink != null && brSink.out.length() > maxOutput)) {
      throw new IOException("encoding longer than " + maxOutput + " bytes");
    }
  }

  /** Frees the encoders, once (on the pool). */
  private void release() {
    if (released) {
      return;
    }
    released = true;
    meters.open().decrementAndGet();
    if (deflater != null) {
      deflater.end();
    }
    if (br != null) {
      brSink.discard = true;
      try {
        br.close(); // frees the native encoder even when closing fails
      } catch (IOException e) {
        // given up anyway
      }
    }
    gzip = null;
  }

  /** Where the Brotli stream goes: a growing buffer, or nowhere once abandoned. */
  private static final class Sink extends OutputStream {
    final Buffer out = Buffer.buffer(64 * 1024);
    volatile boolean discard;

    @Override
    public void write(int b) {
      if (!discard) {
        out.appendByte((byte) b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      if (!discard) {
        out.appendBytes(b, off, len);
      }
    }
  }
}
