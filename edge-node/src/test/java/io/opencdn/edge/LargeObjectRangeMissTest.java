package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.TieredCache;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Range requests that miss on objects larger than {@code maxObjectBytes} with a disk tier: the
 * client gets its range (206, or 416, or the full 200 when If-Range does not match) while the whole
 * object is filled into the disk tier, a client that leaves does not cut the fill short, a body cut
 * at the origin publishes nothing, and an object over {@code diskMaxObjectBytes} passes the range
 * to the origin as it is.
 */
class LargeObjectRangeMissTest extends LargeObjectDiskHarness {

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
}
