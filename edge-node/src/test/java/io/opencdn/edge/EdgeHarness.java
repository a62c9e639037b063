package io.opencdn.edge;

import static io.opencdn.testing.Await.await;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.cache.CacheTiers;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Set-up shared by the end-to-end edge tests: a test origin, the edge on port 0 (test clock) and an
 * HTTP/1.1 client. The cache tier comes from {@link #newCache}.
 */
abstract class EdgeHarness {

  static final String HOST = "www.cdn.test";
  static final String TOKEN = "test-admin-token-0123456789";

  Vertx vertx;
  TestOrigin origin;
  TestClock clock;
  HttpClientAgent client;
  EdgeNode edge;

  /** The cache tier under test. */
  protected ResponseCache newCache(long budgetBytes, Clock clock) {
    return new MemoryCache(budgetBytes, clock);
  }

  record Resp(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    origin = new TestOrigin(vertx);
    clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    client = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(20));
  }

  @AfterEach
  void tearDown() {
    if (edge != null) {
      await(edge.stop());
    }
    await(vertx.close());
  }

  EdgeConfig config(String originUrl, long memoryBytes, long maxObjectBytes, int timeoutMillis) {
    return testEdge()
        .cache(new CacheConfig(memoryBytes, maxObjectBytes))
        .origin(new OriginConfig(500, timeoutMillis))
        .distributions(List.of(new DistributionConfig(HOST, originUrl)))
        .build();
  }

  /** The default test edge with the given cache section. */
  EdgeConfig config(CacheConfig cache) {
    return testEdge().cache(cache).build();
  }

  /**
   * The default test edge, to add or change sections: {@code test-edge} on 127.0.0.1 port 0, a 1
   * MiB memory cache of objects up to 64 KiB, {@link #HOST} proxied to the test origin (2 s
   * timeout).
   */
  EdgeConfig.Builder testEdge() {
    return EdgeConfig.builder()
        .id("test-edge")
        .region("test")
        .latitude(50.0)
        .longitude(8.0)
        .listen(Endpoint.parse("127.0.0.1:0"))
        .adminToken(TOKEN)
        .cache(new CacheConfig(1L << 20, 64L << 10))
        .origin(new OriginConfig(500, 2000))
        .distributions(List.of(new DistributionConfig(HOST, origin.url())));
  }

  /**
   * The default test edge with an HTTPS listener (HTTP/2 on) serving {@link #HOST}'s certificate.
   */
  EdgeConfig.Builder testEdgeWithTls() {
    return testEdge().tls(TestTls.listener(true, HOST));
  }

  EdgeNode start(EdgeConfig cfg) {
    edge =
        new EdgeNode(
            vertx, cfg, null, clock, CacheTiers.of(newCache(cfg.cache().memoryBytes(), clock)));
    await(edge.start());
    return edge;
  }

  EdgeNode start() {
    return start(config(origin.url(), 1 << 20, 64 << 10, 2000));
  }

  Future<Resp> send(
      HttpMethod method, String path, String host, Buffer body, String... headerPairs) {
    // Build the whole chain on an event loop: registered from the test thread, a callback can be
    // attached after the response has started to flow and lose body chunks (vert.x #5825).
    io.vertx.core.Promise<Resp> result = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(v -> sendOnContext(method, path, host, body, headerPairs).onComplete(result));
    return result.future();
  }

  private Future<Resp> sendOnContext(
      HttpMethod method, String path, String host, Buffer body, String... headerPairs) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(edge.port())
            .setURI(path);
    return client
        .request(o)
        .compose(
            req -> {
              if (host != null) {
                req.authority(io.vertx.core.net.HostAndPort.parseAuthority(host, -1));
              }
              for (int i = 0; i < headerPairs.length; i += 2) {
                req.headers().add(headerPairs[i], headerPairs[i + 1]);
              }
              // read the body in a listener of the response future itself, so no chunk arrives
              // unhandled
              return (body == null ? req.send() : req.send(body))
                  .compose(
                      res ->
                          res.body()
                              .map(b -> new Resp(res.statusCode(), res.headers(), b.toString())));
            });
  }

  Resp get(String path, String... headerPairs) {
    return await(send(HttpMethod.GET, path, HOST, null, headerPairs));
  }
}
