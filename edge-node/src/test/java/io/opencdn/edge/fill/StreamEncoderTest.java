package io.opencdn.edge.fill;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamEncoderTest {

  static final int CHUNK = 64 * 1024;

  Vertx vertx;
  WorkerExecutor pool;
  final AtomicLong open = new AtomicLong();
  final AtomicLong peak = new AtomicLong();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = vertx.createSharedWorkerExecutor("test-compress", 1);
  }

  @AfterEach
  void tearDown() {
    await(pool.close());
    await(vertx.close());
  }

  private <T> T onContext(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return await(p.future());
  }

  private StreamEncoder encoder(long maxInput, long maxOutput) {
    return new StreamEncoder(
        pool,
        vertx.getOrCreateContext(),
        maxInput,
        maxOutput,
        false,
        Compressor.brotli(),
        new StreamEncoder.Meters(q -> peak.accumulateAndGet(q, Math::max), n -> {}, open));
  }

  /** Writes {@code body} in chunks, waiting for the encoder's drain whenever its queue is full. */
  private static void pump(StreamEncoder enc, Buffer body, int pos, Promise<Void> done) {
    while (pos < body.length()) {
      int end = Math.min(body.length(), pos + CHUNK);
      enc.write(body.slice(pos, end));
      pos = end;
      if (enc.writeQueueFull()) {
        int at = pos;
        enc.drainHandler(v -> pump(enc, body, at, done));
        return;
      }
    }
    done.complete();
  }

  static Buffer page(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < n; i++) {
      b.append("<tr><td>row ").append(i).append("</td><td>").append(i * 7919 % 10007);
      b.append("</td></tr>\n");
    }
    return Buffer.buffer(b.substring(0, n).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodesChunkByChunkWithABoundedQueueAndDecodesToTheInput() throws IOException {
    Buffer body = page(3_000_000);
    Compressor.Encoded enc =
        onContext(
            () -> {
              StreamEncoder e = encoder(body.length(), 16 << 20);
              Promise<Void> written = Promise.promise();
              pump(e, body, 0, written);
              return written.future().compose(v -> e.end());
            });
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(enc.gzip().getBytes()))) {
      assertThat(z.readAllBytes()).isEqualTo(body.getBytes());
    }
    assertThat(enc.gzip().length()).isLessThan(body.length() / 3);
    if (Compressor.brotli()) {
      assertThat(Decoder.decompress(enc.br().getBytes()).getDecompressedData())
          .isEqualTo(body.getBytes());
      assertThat(enc.br().length()).isLessThan(enc.gzip().length());
    }
    assertThat(peak.get()).isPositive().isLessThanOrEqualTo(StreamEncoder.HIGH_WATER_BYTES + CHUNK);
    assertThat(open.get()).isZero();
  }

  @Test
  void anEmptyBodyGivesValidEmptyEncodings() throws IOException {
    Compressor.Encoded enc = onContext(() -> encoder(0, 1 << 20).end());
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(enc.gzip().getBytes()))) {
      assertThat(z.readAllBytes()).isEmpty();
    }
    assertThat(open.get()).isZero();
  }

  @Test
  void aBodyLongerThanAllowedAbandonsTheEncodingsAndFreesThem() {
    Buffer body = page(2_000_000);
    Throwable t =
        Await.failure(
            onContextFuture(
                () -> {
                  StreamEncoder e = encoder(1_000_000, 16 << 20);
                  Promise<Void> written = Promise.promise();
                  pump(e, body, 0, written);
                  assertThat(e.abandoned()).isTrue();
                  return written.future().compose(v -> e.end());
                }));
    assertThat(t).hasMessageContaining("longer than 1000000 bytes");
    Await.until(Duration.ofSeconds(5), () -> open.get() == 0);
  }

  @Test
  void anEncodingLargerThanAllowedIsAbandoned() {
    byte[] noise = new byte[1 << 20];
    new Random(7).nextBytes(noise);
    Throwable t =
        Await.failure(
            onContextFuture(
                () -> {
                  StreamEncoder e = encoder(noise.length, 256 << 10);
                  Promise<Void> written = Promise.promise();
                  pump(e, Buffer.buffer(noise), 0, written);
                  return written.future().compose(v -> e.end());
                }));
    assertThat(t).hasMessageContaining("encoding longer than");
    Await.until(Duration.ofSeconds(5), () -> open.get() == 0);
  }

  @Test
  void abandoningABlockedEncoderReleasesTheWriterAtOnceAndFreesItLater() throws Exception {
    CountDownLatch blocked = new CountDownLatch(1);
    pool.executeBlocking(
        () -> {
          blocked.await();
          return null;
        },
        false);
    Buffer body = page(2 * (int) StreamEncoder.HIGH_WATER_BYTES);
    Promise<Void> drained = Promise.promise();
    StreamEncoder e =
        onContext(
            () -> {
              StreamEncoder enc = encoder(body.length(), 16 << 20);
              for (int pos = 0; pos < body.length(); pos += CHUNK) {
                enc.write(body.slice(pos, Math.min(body.length(), pos + CHUNK)));
              }
              assertThat(enc.writeQueueFull()).isTrue();
              enc.drainHandler(v -> drained.complete());
              enc.abandon("test");
              return Future.succeededFuture(enc);
            });
    await(drained.future()); // the pool is still blocked: the writer goes on at once
    assertThat(e.writeQueueFull()).isFalse();
    assertThat(open.get()).isEqualTo(1);
    blocked.countDown();
    Await.until(Duration.ofSeconds(5), () -> open.get() == 0);
    assertThat(Await.failure(onContextFuture(e::end))).hasMessageContaining("abandoned: test");
  }

  private <T> Future<T> onContextFuture(Supplier<Future<T>> work) {
    Promise<T> p = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
