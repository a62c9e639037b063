package io.opencdn.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines reach the output in order and whole; a stalled output never blocks a producer, and what it
 * cannot take is counted.
 */
class AsyncLineWriterTest {

  static void until(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /** An output that holds every write until released. */
  static final class Stalled extends OutputStream {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch entered = new CountDownLatch(1);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.ISO_8859_1);
      }
    }
  }

  @Test
  void writesLinesInOrderToAFileAndClosesIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logs/access.log");
    AsyncLineWriter w = AsyncLineWriter.open(file.toString(), 1 << 20, "test-writer");
    for (int i = 0; i < 1000; i++) {
      assertThat(w.offer("line " + i)).isTrue();
    }
    w.close();
    var lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1000);
    assertThat(lines.get(0)).isEqualTo("line 0");
    assertThat(lines.get(999)).isEqualTo("line 999");
    assertThat(w.written()).isEqualTo(1000);
    assertThat(w.dropped()).isZero();
    assertThat(w.offer("after close")).isFalse();
    assertThat(w.dropped()).isEqualTo(1);
  }

  @Test
  void closedFromAnEventLoopOnAWorkerThreadAndNothingToCloseWithoutAWriter(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("worker.log");
    AsyncLineWriter w = AsyncLineWriter.open(file.toString(), 1 << 20, "test-writer");
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(w.offer("queued")).isTrue();
      Promise<Void> closed = Promise.promise();
      vertx.runOnContext(v -> AsyncLineWriter.close(vertx, w).onComplete(closed));
      Await.await(closed.future());
      assertThat(Files.readAllLines(file)).containsExactly("queued");
      assertThat(w.offer("after close")).isFalse();
      assertThat(Await.await(AsyncLineWriter.close(vertx, null))).isNull();
    } finally {
      Await.await(vertx.close());
    }
  }

  @Test
  void aStalledOutputDropsAndCountsLinesAndKeepsTheQueueWithinItsBytes() throws Exception {
    Stalled out = new Stalled();
    long max = 64 * 1024;
    AsyncLineWriter w = new AsyncLineWriter(out, max, "test-writer");
    String payload = "x".repeat(99);
    w.offer(payload); // the writer takes it at its next sweep and then hangs in write()
    assertThat(out.entered.await(10, TimeUnit.SECONDS)).isTrue();
    int offered = 1;
    for (int i = 0; i < 20_000; i++) {
      offered++;
      assertThat(w.offer(payload)).isTrue();
      assertThat(w.pendingBytes()).isLessThanOrEqualTo(max);
    }
    // the producer got here while the output was stalled: offer never waited for it
    assertThat(w.dropped()).isGreaterThan(15_000);
    out.release.countDown();
    w.close();
    assertThat(w.written() + w.dropped()).isEqualTo(offered);
    String[] lines = out.text().split("\n", -1);
    assertThat(lines).hasSize((int) w.written() + 1);
    assertThat(lines[lines.length - 1]).isEmpty();
    assertThat(java.util.Arrays.copyOf(lines, lines.length - 1)).allMatch(payload::equals);
  }

  @Test
  void linesOfManyThreadsArriveWhole(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("many.log");
    AsyncLineWriter w = AsyncLineWriter.open(file.toString(), 1 << 24, "test-writer");
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      int id = t;
      threads[t] =
          new Thread(
              () -> {
                AsciiLine line = new AsciiLine();
                for (int i = 0; i < 5000; i++) {
                  w.offer(
                      line.reset()
                          .raw("thread ")
                          .num(id)
                          .raw(" line ")
                          .num(i)
                          .raw(" ")
                          .raw("y".repeat(i % 300)));
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    w.close();
    var lines = Files.readAllLines(file);
    assertThat(lines).hasSize(20_000).allMatch(l -> l.matches("thread \\d line \\d+ y*"));
    for (int t = 0; t < threads.length; t++) {
      String prefix = "thread " + t + " ";
      assertThat(
              lines.stream()
                  .filter(l -> l.startsWith(prefix))
                  .map(l -> Integer.parseInt(l.split(" ")[3]))
                  .toList())
          .as("thread %d's lines in order", t)
          .isSorted()
          .hasSize(5000);
    }
    assertThat(w.written()).isEqualTo(20_000);
  }

  @Test
  void aFailingOutputCountsItsLinesAsDroppedAndRecovers() throws Exception {
    boolean[] fail = {true};
    ByteArrayOutputStream ok = new ByteArrayOutputStream();
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (fail[0]) {
              throw new IOException("disk full");
            }
            ok.write(b, off, len);
          }
        };
    AsyncLineWriter w = new AsyncLineWriter(out, 1 << 20, "test-writer");
    w.offer("lost");
    until(() -> w.dropped() == 1);
    synchronized (out) {
      fail[0] = false;
    }
    w.offer("kept");
    until(() -> w.written() == 1);
    w.close();
    assertThat(ok.toString(StandardCharsets.ISO_8859_1)).isEqualTo("kept\n");
  }

  @Test
  void charactersAboveLatin1AreNeverWrittenRaw() throws Exception {
    Stalled out = new Stalled();
    out.release.countDown();
    AsyncLineWriter w = new AsyncLineWriter(out, 1 << 20, "test-writer");
    w.offer("a\u20acb");
    String big = "y".repeat(100_000);
    w.offer(big);
    w.close();
    assertThat(out.text()).isEqualTo("a?b\n" + big + "\n");
  }
}
