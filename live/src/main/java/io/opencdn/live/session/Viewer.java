package io.opencdn.live.session;

import io.opencdn.live.stream.Media;
import io.opencdn.live.stream.StreamSink;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A player's connection as a {@link StreamSink}. The stream offers messages on its source's thread;
 * they wait in this viewer's queue and are written on the viewer's own event loop as fast as the
 * socket takes them (the socket's write queue full: wait for its drain). What waits is bounded: a
 * viewer whose queue passes {@code maxQueuedBytes} is closed and refuses further messages, so a
 * slow player neither slows the others nor grows memory. The burst a new viewer starts with (the
 * cached GOP, itself bounded by {@code gopCacheBytes}) comes on top, as an allowance used up as it
 * is sent; and one message is always taken when nothing waits, however large.
 *
 * <p>A viewer starts at a video key frame: until one arrives, video frames are skipped (audio and
 * codec configurations pass).
 */
public final class Viewer implements StreamSink {

  private final NetSocket socket;
  private final Context context;
  private final long maxQueuedBytes;
  private final boolean relay;
  private final Runnable onDropped;
  private final Runnable onEnded;
  private final ConcurrentLinkedQueue<Buffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queued = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong allowance = new AtomicLong(Long.MAX_VALUE / 4);
  private volatile boolean closed;
  private boolean started;
  private boolean draining;

  /**
   * @param relay whether the player is another edge's relay
   * @param onDropped runs (on the viewer's event loop) when the viewer is closed for falling behind
   * @param onEnded runs (on the viewer's event loop) when the stream ended
   */
  public Viewer(
      NetSocket socket,
      Context context,
      long maxQueuedBytes,
      boolean relay,
      Runnable onDropped,
      Runnable onEnded) {
    this.socket = socket;
    this.context = context;
    this.maxQueuedBytes = maxQueuedBytes;
    this.relay = relay;
    this.onDropped = onDropped;
    this.onEnded = onEnded;
  }

  @Override
  public boolean offer(Media m) {
    if (closed) {
      return false;
    }
    if (!started && m.video() && !m.config()) {
      if (!m.keyFrame()) {
        return true;
      }
      started = true;
    }
    Buffer b = m.chunks();
    long now = queued.addAndGet(b.length());
    if (now > maxQueuedBytes + allowance.get() && now > b.length()) {
      closed = true;
      queue.clear();
      context.runOnContext(v -> onDropped.run());
      return false;
    }
    queue.add(b);
    if (scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
    return true;
  }

  @Override
  public void attached() {
    allowance.set(queued.get()); // the GOP burst: allowed on top of the bound until it is sent
  }

  @Override
  public void sourceChanged() {
    started = false; // the new session's frames start at its first key frame
  }

  @Override
  public void ended() {
    // after what is queued: the last frames, then the end
    context.runOnContext(
        v -> {
          if (!closed) {
            drainAll();
            onEnded.run();
          }
        });
  }

  private void drainAll() {
    Buffer b;
    while ((b = queue.poll()) != null) {
      queued.addAndGet(-b.length());
      sent.addAndGet(b.length());
      socket.write(b);
    }
  }

  /**
   * Writes what waits, as long as the socket takes it (on the viewer's event loop). It waits for
   * the socket's drain only when the socket's write queue is full: the drain handler runs only when
   * a full queue empties, so waiting on it with a writable socket (a message offered after the
   * queue was found empty) would stall this viewer for good.
   */
  private void drain() {
    scheduled.set(false);
    if (closed || draining) {
      return;
    }
    Buffer b;
    while (true) {
      if (socket.writeQueueFull()) {
        draining = true;
        socket.drainHandler(
            v -> {
              draining = false;
              drain();
            });
        return;
      }
      if ((b = queue.poll()) == null) {
        return; // a message offered from now on schedules the next drain
      }
      queued.addAndGet(-b.length());
      sent.addAndGet(b.length());
      long n = b.length();
      allowance.updateAndGet(a -> Math.max(0, a - n));
      socket.write(b);
    }
  }

  /** Stops taking messages (the connection is closing). */
  public void close() {
    closed = true;
    queue.clear();
  }

  /** Whether this player is another edge's relay. */
  public boolean relay() {
    return relay;
  }

  /** Bytes waiting in this viewer's queue. */
  public long queuedBytes() {
    return queued.get();
  }

  /** Bytes handed to the socket so far. */
  public long sentBytes() {
    return sent.get();
  }
}
