package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.edge.fill.Compressor;
import io.opencdn.edge.fill.StreamEncoder;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code compress: true} on a body of several MB through a running edge: the first client gets the
 * identity body as the origin sends it while the encodings are made chunk by chunk off the event
 * loop with a bounded input queue; every later client gets a hit in its encoding that decodes to
 * exactly the identity bytes. A client that goes away does not break the variants; a body that
 * breaks off stores nothing and frees the encoders.
 */
class StreamedCompressionEdgeTest extends EdgeHarness {

  static final int SIZE = 5_000_000;
  static final String PAGE = CompressionEdgeTest.page(SIZE);
  static final Buffer BODY = Buffer.buffer(PAGE.getBytes(StandardCharsets.UTF_8));

  /** Where the origin waits for {@link #gate} (a multiple of the 64 KiB chunks). */
  static final int GATE_AT = 2 << 20;

  private Promise<Void> gate;
  private final AtomicInteger attempts = new AtomicInteger();

  /**
   * Serves {@link #BODY} at {@code /big.html} in 64 KiB chunks, waiting at {@link #GATE_AT} for
   * {@link #gate}; the first {@code cuts} answers break off there instead.
   */
  private void startEdge(int cuts) {
    gate = Promise.promise();
    origin.route(
        "/big.html",
        req -> {
          HttpServerResponse out =
              req.response()
                  .putHeader("Content-Type", "text/html; charset=utf-8")
                  .putHeader("Cache-Control", "max-age=3600")
                  .putHeader("ETag", "\"big\"")
                  .putHeader("Content-Length", Integer.toString(SIZE));
          boolean cut = attempts.getAndIncrement() < cuts;
          LargeObjectDiskTest.writeChunks(
              out,
              BODY,
              0,
              cut ? GATE_AT : Integer.MAX_VALUE,
              cut ? null : gate,
              cut ? -1 : GATE_AT);
        });
    start(config(origin.url(), 64L << 20, 16L << 20, 5000));
    edge.activate(
        DistributionsParser.parse(
            """
            distributions:
              - id: www
                hosts: [www.cdn.test]
                origins:
                  - {id: site, url: "%s"}
                behaviors:
                  - {path: "*", target: site, cachePolicy: CachingOptimized, compress: true}
            """
                .formatted(origin.url()),
            "d.yaml"));
  }

  record Got(int status, MultiMap headers, Buffer body) {}

  /**
   * A GET read as a stream: {@code firstBytes} completes once more than {@code mark} bytes arrived;
   * with {@code leave}, the client then resets its request.
   */
  private Future<Got> streamedGet(
      String acceptEncoding, long mark, Promise<Void> firstBytes, boolean leave) {
    Promise<Got> result = Promise.promise();
    vertx.runOnContext(
        v ->
            client
                .request(
                    new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1")
                        .setPort(edge.port())
                        .setURI("/big.html"))
                .compose(
                    req -> {
                      req.authority(HostAndPort.parseAuthority(HOST, -1));
                      req.headers().add("Accept-Encoding", acceptEncoding);
                      return req.send().compose(res -> read(req, res, mark, firstBytes, leave));
                    })
                .onComplete(result));
    return result.future();
  }

  private static Future<Got> read(
      HttpClientRequest req,
      io.vertx.core.http.HttpClientResponse res,
      long mark,
      Promise<Void> firstBytes,
      boolean leave) {
    Buffer all = Buffer.buffer();
    AtomicLong got = new AtomicLong();
    Promise<Got> done = Promise.promise();
    res.handler(
        chunk -> {
          all.appendBuffer(chunk);
          if (got.addAndGet(chunk.length()) > mark && firstBytes.tryComplete() && leave) {
            done.tryComplete(new Got(res.statusCode(), res.headers(), null));
            req.reset();
          }
        });
    res.exceptionHandler(done::tryFail);
    res.endHandler(e -> done.tryComplete(new Got(res.statusCode(), res.headers(), all)));
    return done.future();
  }

  private Got fetch(String acceptEncoding) {
    return await(streamedGet(acceptEncoding, Long.MAX_VALUE, Promise.promise(), false));
  }

  private void assertEveryEncodingIsAHit() throws IOException {
    Got br = fetch("br, gzip");
    assertThat(br.headers().get("X-Cache")).startsWith("Hit");
    assertThat(br.headers().get("Content-Encoding")).isEqualTo("br");
    assertThat(br.headers().get("ETag")).isEqualTo("W/\"big\"");
    assertThat(br.headers().get("Content-Length")).isEqualTo(Integer.toString(br.body().length()));
    assertThat(br.body().length()).isLessThan(SIZE / 4);
    assertThat(Decoder.decompress(br.body().getBytes()).getDecompressedData())
        .isEqualTo(BODY.getBytes());

    Got gzip = fetch("gzip");
    assertThat(gzip.headers().get("X-Cache")).startsWith("Hit");
    assertThat(gzip.headers().get("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzip.headers().get("Content-Length"))
        .isEqualTo(Integer.toString(gzip.body().length()));
    try (GZIPInputStream z =
        new GZIPInputStream(new ByteArrayInputStream(gzip.body().getBytes()))) {
      assertThat(z.readAllBytes()).isEqualTo(BODY.getBytes());
    }

    Got plain = fetch("identity");
    assertThat(plain.headers().get("X-Cache")).startsWith("Hit");
    assertThat(plain.headers().get("Content-Encoding")).isNull();
    assertThat(plain.headers().get("ETag")).isEqualTo("\"big\"");
    assertThat(plain.body()).isEqualTo(BODY);
  }

  @Test
  void aLargePageIsCompressedAsItStreamsWithABoundedQueue() throws IOException {
    startEdge(0);
    Promise<Void> firstBytes = Promise.promise();
    Future<Got> first = streamedGet("br, gzip", 1 << 20, firstBytes, false);
    // the first client has identity bytes while the origin still holds back the rest
    await(firstBytes.future());
    assertThat(edge.metrics().compressStreamsOpen.get()).isEqualTo(1);
    // and the encoders have taken in everything the origin sent so far, before it sends the rest
    Await.until(Duration.ofSeconds(20), () -> edge.metrics().compressInputBytes.sum() >= GATE_AT);
    assertThat(gate.future().isComplete()).isFalse();
    vertx.runOnContext(v -> gate.complete());

    Got miss = await(first);
    assertThat(miss.status()).isEqualTo(200);
    assertThat(miss.headers().get("X-Cache")).startsWith("Miss");
    assertThat(miss.headers().get("Content-Encoding")).isNull();
    assertThat(miss.headers().get("Vary")).containsIgnoringCase("Accept-Encoding");
    assertThat(miss.headers().get("Content-Length")).isEqualTo(Integer.toString(SIZE));
    assertThat(miss.body()).isEqualTo(BODY);

    // the client had its last bytes once every variant was stored: hits at once, in each encoding
    assertEveryEncodingIsAHit();
    assertThat(origin.count("/big.html")).isEqualTo(1);
    assertThat(edge.metrics().compressedFills.sum()).isEqualTo(1);
    // the encoder never held more than its high-water mark of input (plus one chunk), not the body
    long peak = edge.metrics().compressQueuePeakBytes.get();
    assertThat(peak).isPositive().isLessThanOrEqualTo(StreamEncoder.HIGH_WATER_BYTES + (64 << 10));
    assertThat(edge.metrics().compressStreamsOpen.get()).isZero();
    assertThat(edge.metrics().compressionsAbandoned.sum()).isZero();
  }

  @Test
  void aClientGoingAwayMidFillDoesNotBreakTheVariants() throws IOException {
    startEdge(0);
    Promise<Void> firstBytes = Promise.promise();
    Got left = await(streamedGet("br, gzip", 1 << 20, firstBytes, true));
    assertThat(left.headers().get("X-Cache")).startsWith("Miss");
    vertx.runOnContext(v -> gate.complete());
    Await.until(
        Duration.ofSeconds(20),
        () ->
            edge.metrics().compressedFills.sum() == 1
                && edge.metrics().compressStreamsOpen.get() == 0);
    assertEveryEncodingIsAHit();
    assertThat(origin.count("/big.html")).isEqualTo(1);
  }

  @Test
  void aBodyThatBreaksOffStoresNothingAndFreesTheEncoders() throws IOException {
    startEdge(1);
    vertx.runOnContext(v -> gate.complete());
    Throwable cut = Await.failure(streamedGet("br", Long.MAX_VALUE, Promise.promise(), false));
    assertThat(cut).isNotNull();
    Await.until(Duration.ofSeconds(10), () -> edge.metrics().compressStreamsOpen.get() == 0);
    assertThat(edge.metrics().compressedFills.sum()).isZero();

    Got again = fetch("br");
    assertThat(again.headers().get("X-Cache")).startsWith("Miss");
    assertThat(again.body()).isEqualTo(BODY);
    assertEveryEncodingIsAHit();
    assertThat(origin.count("/big.html")).isEqualTo(2);
  }

  @Test
  void anEncoderThatCannotKeepUpIsAbandonedNotTheClientsResponse() throws Exception {
    startEdge(0);
    // every thread of the compression pool busy elsewhere: the encoder's queue fills and stays full
    CountDownLatch busy = new CountDownLatch(1);
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(Compressor.POOL, Compressor.THREADS);
    for (int i = 0; i < Compressor.THREADS; i++) {
      pool.executeBlocking(
          () -> {
            busy.await();
            return null;
          },
          false);
    }
    vertx.runOnContext(v -> gate.complete());
    Got miss;
    try {
      miss = fetch("br, gzip");
    } finally {
      busy.countDown();
    }
    assertThat(miss.status()).isEqualTo(200);
    assertThat(miss.headers().get("Content-Encoding")).isNull();
    assertThat(miss.body()).isEqualTo(BODY);
    assertThat(edge.metrics().compressionsAbandoned.sum()).isEqualTo(1);
    Await.until(Duration.ofSeconds(10), () -> edge.metrics().compressStreamsOpen.get() == 0);
    // stored as the origin sent it: every client gets the identity body from the cache
    Got hit = fetch("br");
    assertThat(hit.headers().get("X-Cache")).startsWith("Hit");
    assertThat(hit.headers().get("Content-Encoding")).isNull();
    assertThat(hit.body()).isEqualTo(BODY);
    assertThat(origin.count("/big.html")).isEqualTo(1);
    await(pool.close());
  }
}
