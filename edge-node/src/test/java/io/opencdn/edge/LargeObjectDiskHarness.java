package io.opencdn.edge;

import static io.opencdn.testing.Await.await;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Set-up of the large-object tests: an edge whose disk tier (in a temporary directory) takes
 * objects over {@code maxObjectBytes} (1 MiB), an origin that writes large bodies in chunks with
 * back-pressure (optionally cut short or held at a gate), and a client reading them as a stream.
 */
abstract class LargeObjectDiskHarness extends EdgeHarness {

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
}
