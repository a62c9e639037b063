package io.opencdn.edge.peer;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.ResponseCache;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * The internal endpoint peers fill from: {@code GET /_cdn/peer/object?host=H&target=T} with the
 * cluster's {@link PeerToken}. 200 with the encoded object ({@link ObjectCodec}) when this edge
 * holds a fresh copy; 404 when it does not; 401 without the token; 400 without host/target.
 */
public final class PeerEndpoint implements Handler<HttpServerRequest> {

  /** Path of the endpoint. */
  public static final String PATH = "/_cdn/peer/object";

  private final ResponseCache cache;
  private final PeerToken token;
  private final Clock clock;

  public PeerEndpoint(ResponseCache cache, PeerToken token, Clock clock) {
    this.cache = cache;
    this.token = token;
    this.clock = clock;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (!token.accepts(req.getHeader("Authorization"))) {
      plain(req, 401, "401 Unauthorized: peer token required");
      return;
    }
    String host = req.getParam("host");
    String target = req.getParam("target");
    if (!PATH.equals(req.path()) || req.method() != HttpMethod.GET) {
      plain(req, 404, "404 Not Found");
      return;
    }
    if (host == null || target == null || !target.startsWith("/")) {
      plain(req, 400, "400 Bad Request: host and target required");
      return;
    }
    cache.get(new CacheKey(host, target)).onComplete(ar -> {
      var r = ar.succeeded() ? ar.result() : null;
      if (r == null || !r.isFresh(clock.millis())) {
        plain(req, 404, "404 Not Found: no fresh copy here");
      } else {
        req.response().putHeader("Content-Type", ObjectCodec.MEDIA_TYPE).putHeader("Cache-Control", "no-store")
            .end(ObjectCodec.encode(r));
      }
    });
  }

  private static void plain(HttpServerRequest req, int status, String text) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text + "\n");
  }
}
