package io.opencdn.edge.cluster.peer;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.fill.HopByHop;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * Fetches stored objects from peer edges over {@code GET /_cdn/peer/object?host=H&target=T},
 * authenticated with the {@link PeerToken}. The request carries the client's end-to-end headers (so
 * the peer can match {@code Vary}) without conditionals, {@code Range} or the client's {@code
 * Authorization}. The answer is handed on like an origin response, body unread: a peer serves its
 * stored status, headers, current {@code Age} and body, marked with {@value
 * PeerEndpoint#PEER_HEADER}; an answer without that mark (not held, not fresh, refused) yields a
 * null result so the caller moves on.
 */
public final class PeerClient {

  private static final List<String> NOT_FORWARDED =
      List.of(
          "Authorization",
          "If-Match",
          "If-None-Match",
          "If-Modified-Since",
          "If-Unmodified-Since",
          "If-Range",
          "Range",
          "Host");

  private final HttpClientAgent client;
  private final PeerToken token;
  private final Clock clock;
  private final int timeoutMillis;

  public PeerClient(Vertx vertx, PeerToken token, Clock clock, int timeoutMillis) {
    this.token = token;
    this.clock = clock;
    this.timeoutMillis = timeoutMillis;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(timeoutMillis)
                .setKeepAlive(true)
                .setDecompressionSupported(false)
                .setMaxHeaderSize(65536),
            new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(4096));
  }

  /** The path and query of the peer request for {@code key}. */
  public static String uri(CacheKey key) {
    return PeerEndpoint.PATH
        + "?host="
        + URLEncoder.encode(key.host(), StandardCharsets.UTF_8)
        + "&target="
        + URLEncoder.encode(key.target(), StandardCharsets.UTF_8);
  }

  /**
   * Asks the edge at {@code host:port} for {@code key}; a null result when it does not serve it.
   * With {@code waitMillis} > 0 the peer is asked to wait for its own fill of the key in progress
   * (the lease holder), and the answer may take that long.
   */
  public Future<OriginResponse> fetch(
      String host, int port, CacheKey key, OriginRequest request, long waitMillis) {
    MultiMap headers = HopByHop.endToEnd(request.headers());
    NOT_FORWARDED.forEach(headers::remove);
    headers.set("Authorization", token.header());
    long requestTime = clock.millis();
    long idle = Math.max(timeoutMillis, waitMillis);
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(host)
            .setPort(port)
            .setURI(waitMillis > 0 ? uri(key) + "&wait=1" : uri(key))
            .setHeaders(headers)
            .setConnectTimeout(timeoutMillis)
            .setIdleTimeout(idle);
    return client
        .request(o)
        .compose(
            req ->
                req.send()
                    .map(
                        res -> {
                          res.pause();
                          if (res.statusCode() == 0
                              || res.getHeader(PeerEndpoint.PEER_HEADER) == null) {
                            res.resume();
                            return null;
                          }
                          return new OriginResponse(
                              res.statusCode(),
                              HopByHop.endToEnd(res.headers()),
                              res,
                              requestTime,
                              clock.millis());
                        }));
  }

  public Future<Void> close() {
    return client.close();
  }
}
