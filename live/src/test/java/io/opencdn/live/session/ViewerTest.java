package io.opencdn.live.session;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.live.rtmp.MessageType;
import io.opencdn.live.stream.Media;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ViewerTest {

  /**
   * The source offers each message just as the viewer's event loop empties the queue, many times: a
   * message offered between "queue empty" and the viewer's next look at it was once left waiting
   * for a drain event that a writable socket never fires, and the viewer stalled until it was
   * dropped for falling behind (found by bench/live-load.sh: players that stopped receiving).
   */
  @Test
  void aMessageOfferedAsTheQueueEmptiesIsStillWritten() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context context = vertx.getOrCreateContext();
      AtomicLong written = new AtomicLong();
      AtomicReference<Handler<Void>> drain = new AtomicReference<>();
      AtomicBoolean dropped = new AtomicBoolean();
      Viewer viewer =
          new Viewer(
              writableSocket(written, drain),
              context,
              64 * 1024,
              false,
              () -> dropped.set(true),
              () -> {});
      viewer.attached();
      byte[] payload = new byte[100];
      int messages = 100_000;
      long expected = 0;
      for (int i = 0; i < messages && !dropped.get(); i++) {
        Media m = new Media(MessageType.AUDIO, i, payload, 4096);
        expected += m.chunks().length();
        viewer.offer(m);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (viewer.queuedBytes() > 0 && System.nanoTime() < deadline) {
          Thread.onSpinWait(); // offer the next one right as the queue empties
        }
        if (viewer.queuedBytes() > 0) {
          break; // stalled
        }
      }
      long all = expected;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (written.get() != all && !dropped.get() && System.nanoTime() < deadline) {
        Thread.sleep(10); // polling the viewer's event loop with a deadline
      }
      assertThat(dropped).isFalse();
      assertThat(viewer.queuedBytes()).isZero();
      assertThat(written.get()).isEqualTo(all);
      assertThat(viewer.sentBytes()).isEqualTo(all);
    } finally {
      await(vertx.close());
    }
  }

  /** A socket that takes every write at once (its write queue is never full). */
  private static NetSocket writableSocket(
      AtomicLong written, AtomicReference<Handler<Void>> drain) {
    return (NetSocket)
        Proxy.newProxyInstance(
            ViewerTest.class.getClassLoader(),
            new Class<?>[] {NetSocket.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "write" -> {
                    written.addAndGet(((Buffer) args[0]).length());
                    yield Future.succeededFuture();
                  }
                  case "writeQueueFull" -> false;
                  case "drainHandler" -> {
                    @SuppressWarnings("unchecked")
                    Handler<Void> h = (Handler<Void>) args[0];
                    drain.set(h);
                    yield proxy;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  case "toString" -> "writable socket";
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
