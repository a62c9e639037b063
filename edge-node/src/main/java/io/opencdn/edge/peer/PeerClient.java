package io.opencdn.edge.peer;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Fetches stored objects from peer edges over {@code GET /_cdn/peer/object?host=H&target=T},
 * authenticated with the {@link PeerToken}. Anything but a 200 carrying a well-formed object
 * fails the future, so the caller falls back to the next holder or the origin.
 */
public final class PeerClient {

  private final HttpClientAgent client;
  private final PeerToken token;
  private final int timeoutMillis;

  public PeerClient(Vertx vertx, PeerToken token, int timeoutMillis) {
    this.token = token;
    this.timeoutMillis = timeoutMillis;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(timeoutMillis).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));
  }

  /** The path and query of the peer request for {@code key}. */
  public static String uri(CacheKey key) {
    return PeerEndpoint.PATH + "?host=" + URLEncoder.encode(key.host(), StandardCharsets.UTF_8) + "&target="
        + URLEncoder.encode(key.target(), StandardCharsets.UTF_8);
  }

  /** Fetches {@code key} from {@code holder}. */
  public Future<CachedResponse> fetch(Holder holder, CacheKey key) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(holder.host()).setPort(holder.port())
        .setURI(uri(key)).putHeader("Authorization", token.header()).setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis);
    return client.request(o)
        .compose(req -> req.send())
        .compose(res -> res.body().compose(body -> {
          if (res.statusCode() != 200) {
            return Future.failedFuture("peer " + holder.edgeId() + " answered " + res.statusCode());
          }
          return Future.succeededFuture(ObjectCodec.decode(body));
        }));
  }

  public Future<Void> close() {
    return client.close();
  }
}
