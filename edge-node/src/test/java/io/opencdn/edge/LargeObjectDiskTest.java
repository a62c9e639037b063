package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.TieredCache;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Objects larger than {@code maxObjectBytes} with a disk tier: streamed from the origin to the
 * client and into a disk-only entry at once, served from the file afterwards (whole, by range,
 * HEAD, after a restart), never held whole in memory, and never stored when cut short. Range misses
 * on such objects: {@link LargeObjectRangeMissTest}.
 */
class LargeObjectDiskTest extends LargeObjectDiskHarness {

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
