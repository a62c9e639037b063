package io.opencdn.edge.fill;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import java.time.Clock;

/**
 * Sends requests to origins over a pooled Vert.x HTTP client. Connect failures and timeouts come
 * back as {@link FillException}s; {@code timeoutMillis} bounds the wait for the response headers
 * and for each body chunk. Content is passed through undecoded.
 */
public final class OriginClient implements Filler {

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final java.util.concurrent.ConcurrentHashMap<Integer, HttpClientAgent> pools =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Clock clock;
  private final int connectTimeoutMillis;
  private final int timeoutMillis;

  public OriginClient(Vertx vertx, Clock clock, int connectTimeoutMillis, int timeoutMillis) {
    this.vertx = vertx;
    this.clock = clock;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.timeoutMillis = timeoutMillis;
    this.client = newClient(vertx, connectTimeoutMillis, 64);
  }

  private static HttpClientAgent newClient(Vertx vertx, int connectTimeoutMillis, int poolSize) {
    return vertx.createHttpClient(
        new HttpClientOptions()
            .setConnectTimeout(connectTimeoutMillis)
            .setKeepAlive(true)
            .setDecompressionSupported(false)
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(65536),
        new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(1024));
  }

  /** The pooled client of {@code options}' pool size (the default one for 64 or none). */
  private HttpClientAgent client(OriginOptions options) {
    if (options == null || options.poolSize() == 64) {
      return client;
    }
    return pools.computeIfAbsent(
        options.poolSize(), size -> newClient(vertx, connectTimeoutMillis, size));
  }

  /**
   * {@link #send} with the request's origin-group failover ({@link Failover}), for requests that do
   * not go through the fill chain (relayed GET, HEAD, OPTIONS).
   */
  public Future<OriginResponse> sendWithFailover(OriginRequest r) {
    return Failover.fetch(r, this::send);
  }

  /** The origin as the last {@link Filler} of a chain: sends {@code request} as it is. */
  @Override
  public Future<OriginResponse> fetch(io.opencdn.edge.cache.CacheKey key, OriginRequest request) {
    return send(request);
  }

  /**
   * Sends the request (streaming its body, if any); succeeds when response headers arrived. A
   * request without a body whose connection cannot be made is tried up to {@link
   * OriginOptions#attempts} times.
   */
  public Future<OriginResponse> send(OriginRequest r) {
    int attempts = r.options() == null || r.body() != null ? 1 : r.options().attempts();
    return send(r, attempts);
  }

  private Future<OriginResponse> send(OriginRequest r, int attemptsLeft) {
    return sendOnce(r)
        .recover(
            t ->
                attemptsLeft > 1
                        && t instanceof FillException f
                        && f.kind() == FillException.Kind.CONNECT
                    ? send(r, attemptsLeft - 1)
                    : Future.failedFuture(t));
  }

  private Future<OriginResponse> sendOnce(OriginRequest r) {
    long requestTime = clock.millis();
    int connect = r.options() == null ? connectTimeoutMillis : r.options().connectTimeoutMillis();
    int idle = r.options() == null ? timeoutMillis : r.options().timeoutMillis();
    RequestOptions options =
        new RequestOptions()
            .setMethod(r.method())
            .setHost(r.origin().host())
            .setPort(r.origin().port())
            .setSsl(r.origin().ssl())
            .setURI(r.target())
            .setHeaders(r.headers())
            .setConnectTimeout(connect)
            .setIdleTimeout(idle);
    return client(r.options())
        .request(options)
        .compose(
            req -> {
              req.authority(HostAndPort.parseAuthority(r.authority(), -1));
              // pause in a listener of the response future itself: chained futures may hop
              // contexts,
              // and body chunks that arrive before a handler is set would be dropped
              return send(req, r)
                  .map(
                      res -> {
                        res.pause();
                        return new OriginResponse(
                            res.statusCode(),
                            HopByHop.endToEnd(res.headers()),
                            res,
                            requestTime,
                            clock.millis());
                      });
            })
        .recover(t -> Future.failedFuture(FillException.from(t)));
  }

  private static Future<io.vertx.core.http.HttpClientResponse> send(
      HttpClientRequest req, OriginRequest r) {
    return r.body() == null ? req.send() : req.send(r.body());
  }

  /** Closes the pooled connections. */
  public Future<Void> close() {
    pools.values().forEach(HttpClientAgent::close);
    return client.close();
  }
}
