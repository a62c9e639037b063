package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.TieredCache;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects larger than {@code maxObjectBytes} with a disk tier: streamed from the origin to the
 * client and into a disk-only entry at once, served from the file afterwards (whole, by range,
 * HEAD, after a restart), never held whole in memory, and never stored when cut short.
 */
class LargeObjectDiskTest extends EdgeHarness {

  static final int BIG = 40 * 1024 * 1024;
  static final long MAX_OBJECT = 1L << 20;

  @TempDir Path dir;

  /** {@code bytes} of ASCII where every 10-byte block is its own zero-padded offset. */
  static Buffer positional(int bytes) {
    byte[] b = new byte[bytes];
    for (int i = 0; i < bytes; i += 10) {
      long v = i;
      for (int j = Math.min(9, bytes - 1 - i); j >= 0; j--) {
        b[i + j] = (byte) ('0' + (v % 10));
        v /= 10;
      }
    }
    return Buffer.buffer(b);
  }

  EdgeConfig diskConfig() {
    return config(
        new CacheConfig(4L << 20, MAX_OBJECT, null, null, null, dir.toString(), 256L << 20));
  }

  void startDiskEdge() {
    edge = new EdgeNode(vertx, diskConfig(), null, clock);
    await(edge.start());
  }

  List<Path> files(String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Writes {@code body} in 64 KiB chunks with back-pressure, then ends (or closes after {@code
   * cutAt}).
   */
  static void writeChunks(
      HttpServerResponse out, Buffer body, int pos, int cutAt, Promise<Void> gate, int gateAt) {
    while (pos < body.length()) {
      if (pos >= cutAt) {
        out.reset();
        return;
      }
      if (pos == gateAt && gate != null && !gate.future().isComplete()) {
        int at = pos;
        gate.future().onComplete(v -> writeChunks(out, body, at, cutAt, null, -1));
        return;
      }
      int end = Math.min(body.length(), pos + 65536);
      out.write(body.slice(pos, end));
      pos = end;
      if (out.writeQueueFull()) {
        int at = pos;
        out.drainHandler(v -> writeChunks(out, body, at, cutAt, gate, gateAt));
        return;
      }
    }
    out.end();
  }

  /**
   * A GET read as a stream: completes {@code firstBytes} once more than {@code mark} bytes arrived.
   */
  Future<Resp> streamedGet(String path, long mark, Promise<Void> firstBytes) {
    Promise<Resp> result = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v -> {
              RequestOptions o =
                  new RequestOptions()
                      .setMethod(HttpMethod.GET)
                      .setHost("127.0.0.1")
                      .setPort(edge.port())
                      .setURI(path);
              client
                  .request(o)
                  .compose(
                      req -> {
                        req.authority(io.vertx.core.net.HostAndPort.parseAuthority(HOST, -1));
                        return req.send()
                            .compose(
                                res -> {
                                  Buffer all = Buffer.buffer();
                                  AtomicLong got = new AtomicLong();
                                  Promise<Resp> done = Promise.promise();
                                  res.handler(
                                      chunk -> {
                                        all.appendBuffer(chunk);
                                        if (got.addAndGet(chunk.length()) > mark) {
                                          firstBytes.tryComplete();
                                        }
                                      });
                                  res.exceptionHandler(done::tryFail);
                                  res.endHandler(
                                      e ->
                                          done.tryComplete(
                                              new Resp(
                                                  res.statusCode(),
                                                  res.headers(),
                                                  all.toString())));
                                  return done.future();
                                });
                      })
                  .onComplete(result);
            });
    return result.future();
  }

  @Test
  void aLargeObjectIsStreamedToTheClientAndDiskThenServedFromTheFile() {
    Buffer video = positional(BIG);
    String whole = video.toString(StandardCharsets.US_ASCII);
    Promise<Void> clientGotData = Promise.promise();
    origin.route(
        "/big.mp4",
        req -> {
          HttpServerResponse out =
              req.response()
                  .putHeader("Content-Type", "video/mp4")
                  .putHeader("Cache-Control", "max-age=3600")
                  .putHeader("ETag", "\"big1\"")
                  .putHeader("Content-Length", Integer.toString(BIG));
          // the second half is sent only after the client got more than maxObjectBytes of the
          // first:
          // the edge forwards while it reads, it does not collect the object first
          writeChunks(out, video, 0, Integer.MAX_VALUE, clientGotData, BIG / 2);
        });
    startDiskEdge();

    Future<Resp> first = streamedGet("/big.mp4", MAX_OBJECT + 1, clientGotData);
    // a second client arrives while the fill is under way: it waits for the published entry
    Future<Resp> waiter =
        clientGotData.future().compose(v -> send(HttpMethod.GET, "/big.mp4", HOST, null));
    Resp miss = await(first);
    Resp collapsed = await(waiter);

    assertThat(miss.status()).isEqualTo(200);
    assertThat(miss.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(miss.body()).hasSize(BIG).isEqualTo(whole);
    assertThat(collapsed.status()).isEqualTo(200);
    assertThat(collapsed.body()).isEqualTo(whole);
    assertThat(files(".entry")).hasSize(1);
    assertThat(files(".tmp")).isEmpty();

    Resp hit = get("/big.mp4");
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.header("Content-Length")).isEqualTo(Integer.toString(BIG));
    assertThat(hit.header("ETag")).isEqualTo("\"big1\"");
    assertThat(hit.body()).isEqualTo(whole);

    Resp range = get("/big.mp4", "Range", "bytes=30000000-30000099");
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("Content-Range")).isEqualTo("bytes 30000000-30000099/" + BIG);
    assertThat(range.body())
        .isEqualTo(whole.substring(30_000_000, 30_000_100))
        .startsWith("0030000000");
    Resp tail = get("/big.mp4", "Range", "bytes=-10");
    assertThat(tail.body()).isEqualTo(whole.substring(BIG - 10));
    Resp unsatisfiable = get("/big.mp4", "Range", "bytes=" + BIG + "-");
    assertThat(unsatisfiable.status()).isEqualTo(416);
    Resp notModified = get("/big.mp4", "If-None-Match", "\"big1\"");
    assertThat(notModified.status()).isEqualTo(304);
    Resp head = await(send(HttpMethod.HEAD, "/big.mp4", HOST, null));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(BIG));
    assertThat(head.body()).isEmpty();

    assertThat(origin.count("/big.mp4")).isEqualTo(1);
    // never held whole in memory: the memory tier holds no copy, and the stored entry the disk
    // tier hands out has no body in memory, only a reference into its file
    TieredCache tiers = (TieredCache) edge.cache();
    assertThat(tiers.memory().stats().bytes()).isLessThan(MAX_OBJECT);
    assertThat(await(tiers.memory().get(new CacheKey(HOST, "/big.mp4")))).isNull();
    CachedResponse stored = await(tiers.disk().get(new CacheKey(HOST, "/big.mp4")));
    assertThat(stored.body().length()).isZero();
    assertThat(stored.bodyFile()).isNotNull();
    assertThat(stored.bodyLength()).isEqualTo(BIG);
    assertThat(tiers.disk().stats().bytes()).isGreaterThan(BIG);

    // the entry survives a restart, like other disk entries
    await(edge.stop());
    origin.close();
    clock.advance(Duration.ofSeconds(30));
    edge = new EdgeNode(vertx, diskConfig(), null, clock);
    await(edge.start());
    Resp afterRestart = get("/big.mp4");
    assertThat(afterRestart.status()).isEqualTo(200);
    assertThat(afterRestart.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(Long.parseLong(afterRestart.header("Age"))).isBetween(30L, 31L);
    assertThat(afterRestart.body()).isEqualTo(whole);
  }

  @Test
  void aBodyCutShortIsNeverStoredAndTheNextRequestMissesAgain() {
    Buffer body = positional(8 * 1024 * 1024);
    int[] attempt = {0};
    origin.route(
        "/cut.bin",
        req -> {
          HttpServerResponse out =
              req.response()
                  .putHeader("Cache-Control", "max-age=3600")
                  .putHeader("Content-Length", Integer.toString(body.length()));
          // the first answer breaks off after 3 MiB, the second is complete
          writeChunks(
              out, body, 0, attempt[0]++ == 0 ? 3 * 1024 * 1024 : Integer.MAX_VALUE, null, -1);
        });
    startDiskEdge();

    Throwable cut = Await.failure(send(HttpMethod.GET, "/cut.bin", HOST, null));
    assertThat(cut).isNotNull();
    Await.until(Duration.ofSeconds(5), () -> files(".tmp").isEmpty());
    assertThat(files(".entry")).isEmpty();
    assertThat(edge.cacheStats().entries()).isZero();

    Resp again = get("/cut.bin");
    assertThat(again.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(again.body()).isEqualTo(body.toString(StandardCharsets.US_ASCII));
    awaitPublished("/cut.bin");
    assertThat(get("/cut.bin").header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(origin.count("/cut.bin")).isEqualTo(2);
  }

  @Test
  void aChunkedBodyThatOutgrowsMaxObjectBytesGoesToDisk() {
    Buffer body = positional(3 * 1024 * 1024);
    origin.route(
        "/chunked.bin",
        req -> {
          HttpServerResponse out =
              req.response().setChunked(true).putHeader("Cache-Control", "max-age=3600");
          writeChunks(out, body, 0, Integer.MAX_VALUE, null, -1);
        });
    startDiskEdge();

    Resp miss = get("/chunked.bin");
    // the client's response ends before the entry is published: wait for it, not for the flight
    awaitPublished("/chunked.bin");
    Resp hit = get("/chunked.bin");

    assertThat(miss.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(miss.body()).isEqualTo(body.toString(StandardCharsets.US_ASCII));
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo(body.toString(StandardCharsets.US_ASCII));
    assertThat(origin.count("/chunked.bin")).isEqualTo(1);
    assertThat(((TieredCache) edge.cache()).memory().stats().bytes()).isLessThan(MAX_OBJECT);
  }

  @Test
  void anObjectOverDiskMaxObjectBytesIsOnlyStreamedThrough() {
    Buffer body = positional(3 * 1024 * 1024);
    origin.route(
        "/huge.bin", req -> req.response().putHeader("Cache-Control", "max-age=3600").end(body));
    edge =
        new EdgeNode(
            vertx,
            config(
                new CacheConfig(
                    4L << 20, MAX_OBJECT, null, null, null, dir.toString(), 256L << 20, 2L << 20)),
            null,
            clock);
    await(edge.start());

    List<Resp> both = new ArrayList<>(List.of(get("/huge.bin"), get("/huge.bin")));

    assertThat(both)
        .allSatisfy(
            r -> {
              assertThat(r.header("X-Cache")).isEqualTo("Miss from test-edge");
              assertThat(r.body()).hasSize(body.length());
            });
    assertThat(origin.count("/huge.bin")).isEqualTo(2);
    assertThat(files(".entry")).isEmpty();
  }

  /**
   * A large object whose origin route writes it in chunks, waiting at {@code gateAt} for {@code
   * gate}.
   */
  void largeRoute(String path, Buffer body, int[] cutAt, Promise<Void> gate, int gateAt) {
    int[] attempt = {0};
    origin.route(
        path,
        req -> {
          HttpServerResponse out =
              req.response()
                  .putHeader("Content-Type", "video/mp4")
                  .putHeader("Cache-Control", "max-age=3600")
                  .putHeader("ETag", "\"v1\"")
                  .putHeader("Content-Length", Integer.toString(body.length()));
          int n = attempt[0]++;
          writeChunks(out, body, 0, n < cutAt.length ? cutAt[n] : Integer.MAX_VALUE, gate, gateAt);
        });
  }

  CachedResponse published(String path) {
    return await(((TieredCache) edge.cache()).disk().get(new CacheKey(HOST, path)));
  }

  void awaitPublished(String path) {
    Await.until(Duration.ofSeconds(20), () -> published(path) != null);
  }

  @Test
  void aRangeMissFromZeroGetsTheWholeBodyAs206AndFillsTheDisk() {
    Buffer video = positional(BIG);
    largeRoute("/seek0.mp4", video, new int[0], null, -1);
    startDiskEdge();

    Resp first = get("/seek0.mp4", "Range", "bytes=0-");

    assertThat(first.status()).isEqualTo(206);
    assertThat(first.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(first.header("Content-Range")).isEqualTo("bytes 0-" + (BIG - 1) + "/" + BIG);
    assertThat(first.header("Content-Length")).isEqualTo(Integer.toString(BIG));
    assertThat(first.header("Content-Type")).isEqualTo("video/mp4");
    assertThat(first.body()).isEqualTo(video.toString(StandardCharsets.US_ASCII));
    awaitPublished("/seek0.mp4");
    Resp hit = get("/seek0.mp4", "Range", "bytes=100-109");
    assertThat(hit.status()).isEqualTo(206);
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo("0000000100");
    assertThat(origin.count("/seek0.mp4")).isEqualTo(1);
    assertThat(origin.lastHeaders().contains("Range")).isFalse();
    assertThat(((TieredCache) edge.cache()).memory().stats().bytes()).isLessThan(MAX_OBJECT);
  }

  @Test
  void aRangeMissInTheMiddleSendsOnlyItsBytesAndPublishesTheWholeObject() {
    Buffer video = positional(BIG);
    String whole = video.toString(StandardCharsets.US_ASCII);
    Promise<Void> release = Promise.promise();
    // the origin stops after 1 MiB until two more clients have joined the fill
    largeRoute("/mid.mp4", video, new int[0], release, 1 << 20);
    startDiskEdge();

    Future<Resp> first =
        send(HttpMethod.GET, "/mid.mp4", HOST, null, "Range", "bytes=30000000-30999999");
    Await.until(Duration.ofSeconds(5), () -> origin.count("/mid.mp4") == 1);
    Future<Resp> waiterRange = send(HttpMethod.GET, "/mid.mp4", HOST, null, "Range", "bytes=-10");
    Future<Resp> waiterPlain = send(HttpMethod.GET, "/mid.mp4", HOST, null);
    Await.until(Duration.ofSeconds(5), () -> edge.metrics().collapsed() == 2);
    vertx.runOnContext(v -> release.tryComplete());

    Resp range = await(first);
    assertThat(range.status()).isEqualTo(206);
    assertThat(range.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(range.header("Content-Range")).isEqualTo("bytes 30000000-30999999/" + BIG);
    assertThat(range.header("Content-Length")).isEqualTo("1000000");
    assertThat(range.body())
        .hasSize(1_000_000)
        .isEqualTo(whole.substring(30_000_000, 31_000_000))
        .startsWith("0030000000");
    Resp tail = await(waiterRange);
    assertThat(tail.status()).isEqualTo(206);
    assertThat(tail.body()).isEqualTo(whole.substring(BIG - 10));
    Resp plain = await(waiterPlain);
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo(whole);

    awaitPublished("/mid.mp4");
    Resp hit = get("/mid.mp4");
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo(whole);
    Resp rangeHit = get("/mid.mp4", "Range", "bytes=30000000-30000009");
    assertThat(rangeHit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(rangeHit.body()).isEqualTo("0030000000");
    assertThat(origin.count("/mid.mp4")).isEqualTo(1);
    assertThat(origin.lastHeaders().contains("Range")).isFalse();
    assertThat(files(".entry")).hasSize(1);
  }

  @Test
  void aClientThatLeavesAfterOrDuringItsRangeStillLeavesACompleteEntry() {
    Buffer video = positional(8 * 1024 * 1024);
    String whole = video.toString(StandardCharsets.US_ASCII);
    Promise<Void> clientGone = Promise.promise();
    // the origin holds the rest of the body until the first client has closed its connection
    largeRoute("/leave.mp4", video, new int[0], clientGone, 2 << 20);
    startDiskEdge();

    var own = vertx.createHttpClient();
    Resp part =
        await(
            Future.<Resp>future(
                p ->
                    vertx.runOnContext(
                        v ->
                            own.request(
                                    new RequestOptions()
                                        .setHost("127.0.0.1")
                                        .setPort(edge.port())
                                        .setURI("/leave.mp4"))
                                .compose(
                                    req -> {
                                      req.authority(
                                          io.vertx.core.net.HostAndPort.parseAuthority(HOST, -1));
                                      req.headers().add("Range", "bytes=0-99");
                                      return req.send()
                                          .compose(
                                              res ->
                                                  res.body()
                                                      .map(
                                                          b ->
                                                              new Resp(
                                                                  res.statusCode(),
                                                                  res.headers(),
                                                                  b.toString())));
                                    })
                                .onComplete(p))));
    assertThat(part.status()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(whole.substring(0, 100));
    await(own.close());
    vertx.runOnContext(v -> clientGone.tryComplete());
    awaitPublished("/leave.mp4");
    assertThat(get("/leave.mp4").body()).isEqualTo(whole);

    // mid-range: the client resets its stream after the first bytes of a range, the fill goes on
    Buffer other = positional(6 * 1024 * 1024);
    largeRoute("/gone.mp4", other, new int[0], null, -1);
    Promise<Void> gotSome = Promise.promise();
    Promise<Void> reset = Promise.promise();
    vertx.runOnContext(
        v ->
            client
                .request(
                    new RequestOptions()
                        .setHost("127.0.0.1")
                        .setPort(edge.port())
                        .setURI("/gone.mp4"))
                .compose(
                    req -> {
                      req.authority(io.vertx.core.net.HostAndPort.parseAuthority(HOST, -1));
                      req.headers().add("Range", "bytes=1000-");
                      return req.send()
                          .onSuccess(
                              res ->
                                  res.handler(
                                      chunk -> {
                                        if (gotSome.tryComplete()) {
                                          req.reset();
                                          reset.tryComplete();
                                        }
                                      }));
                    }));
    await(reset.future());
    awaitPublished("/gone.mp4");
    Resp hit = get("/gone.mp4");
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo(other.toString(StandardCharsets.US_ASCII));
    assertThat(origin.count("/leave.mp4")).isEqualTo(1);
    assertThat(origin.count("/gone.mp4")).isEqualTo(1);
  }

  @Test
  void aRangeMissWhoseOriginBodyIsCutPublishesNothing() {
    Buffer body = positional(8 * 1024 * 1024);
    String whole = body.toString(StandardCharsets.US_ASCII);
    // the first two answers break off after 3 MiB, the third is complete
    largeRoute("/cutrange.bin", body, new int[] {3 << 20, 3 << 20}, null, -1);
    startDiskEdge();

    // the client's range lies before the cut: it gets its bytes, but nothing is stored
    Resp early = get("/cutrange.bin", "Range", "bytes=0-99");
    assertThat(early.status()).isEqualTo(206);
    assertThat(early.body()).isEqualTo(whole.substring(0, 100));
    Await.until(
        Duration.ofSeconds(5),
        () ->
            origin.count("/cutrange.bin") == 1
                && files(".tmp").isEmpty()
                && edge.metrics().errors() == 1);
    assertThat(files(".entry")).isEmpty();
    // the range lies after the cut: the client's response is reset, never ended cleanly
    Throwable cut =
        Await.failure(
            send(HttpMethod.GET, "/cutrange.bin", HOST, null, "Range", "bytes=5000000-5000099"));
    assertThat(cut).isNotNull();
    Await.until(Duration.ofSeconds(5), () -> files(".tmp").isEmpty());
    assertThat(files(".entry")).isEmpty();
    assertThat(edge.cacheStats().entries()).isZero();

    Resp again = get("/cutrange.bin", "Range", "bytes=5000000-5000009");
    assertThat(again.status()).isEqualTo(206);
    assertThat(again.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(again.body()).isEqualTo("0005000000");
    awaitPublished("/cutrange.bin");
    assertThat(get("/cutrange.bin").header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(origin.count("/cutrange.bin")).isEqualTo(3);
  }

  @Test
  void anUnsatisfiableRangeMissGets416AndStillFillsTheDisk() {
    Buffer body = positional(3 * 1024 * 1024);
    largeRoute("/short.bin", body, new int[0], null, -1);
    startDiskEdge();

    Resp r = get("/short.bin", "Range", "bytes=" + body.length() + "-");

    assertThat(r.status()).isEqualTo(416);
    assertThat(r.header("Content-Range")).isEqualTo("bytes */" + body.length());
    assertThat(r.body()).isEmpty();
    awaitPublished("/short.bin");
    Resp hit = get("/short.bin");
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo(body.toString(StandardCharsets.US_ASCII));
    assertThat(origin.count("/short.bin")).isEqualTo(1);
  }

  @Test
  void anIfRangeThatDoesNotMatchGetsTheFull200AndFillsTheDisk() {
    Buffer body = positional(3 * 1024 * 1024);
    largeRoute("/ifrange.bin", body, new int[0], null, -1);
    startDiskEdge();

    Resp r = get("/ifrange.bin", "Range", "bytes=0-9", "If-Range", "\"old\"");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body.toString(StandardCharsets.US_ASCII));
    awaitPublished("/ifrange.bin");
    Resp hit = get("/ifrange.bin", "Range", "bytes=0-9", "If-Range", "\"v1\"");
    assertThat(hit.status()).isEqualTo(206);
    assertThat(hit.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(hit.body()).isEqualTo("0000000000");
    assertThat(origin.count("/ifrange.bin")).isEqualTo(1);
  }

  @Test
  void aRangeMissOnAnObjectOverDiskMaxObjectBytesStillGoesToTheOriginAsIs() {
    Buffer body = positional(3 * 1024 * 1024);
    origin.route(
        "/huge-range.bin",
        req -> {
          String range = req.getHeader("Range");
          HttpServerResponse out = req.response().putHeader("Cache-Control", "max-age=3600");
          if (range != null) {
            out.setStatusCode(206)
                .putHeader("Content-Range", "bytes 0-9/" + body.length())
                .end(body.slice(0, 10));
          } else {
            out.end(body);
          }
        });
    edge =
        new EdgeNode(
            vertx,
            config(
                new CacheConfig(
                    4L << 20, MAX_OBJECT, null, null, null, dir.toString(), 256L << 20, 2L << 20)),
            null,
            clock);
    await(edge.start());

    Resp r = get("/huge-range.bin", "Range", "bytes=0-9");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.body()).isEqualTo("0000000000");
    assertThat(origin.lastHeaders().get("Range")).isEqualTo("bytes=0-9");
    assertThat(files(".entry")).isEmpty();
  }

  @Test
  void diskMaxObjectBytesDefaultsToOneGibAndMustBeAtLeastMaxObjectBytes() {
    assertThat(new CacheConfig(4L << 20, MAX_OBJECT).diskMaxObjectBytes()).isEqualTo(1L << 30);
    assertThat(
            new CacheConfig(4L << 20, MAX_OBJECT, null, null, null, "d", 8L << 20)
                .diskMaxObjectBytes())
        .isEqualTo(1L << 30);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new CacheConfig(
                    4L << 20, MAX_OBJECT, null, null, null, "d", 8L << 20, MAX_OBJECT - 1))
        .isInstanceOf(io.opencdn.common.config.ConfigException.class)
        .hasMessageContaining("diskMaxObjectBytes");
  }
}
