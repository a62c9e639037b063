package io.opencdn.edge.cluster.peer;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cache.Variants;
import io.opencdn.edge.fill.FillsInProgress;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.Map;

/**
 * The internal endpoint peers fill from: {@code GET /_cdn/peer/object?host=H&target=T} with the
 * cluster's {@link PeerToken} as bearer token. When this edge holds a fresh copy whose {@code Vary}
 * selection matches the request headers (the variant the request headers select, {@link
 * Variants#lookup}), it answers with the stored status, headers and body, {@code Age} set to the
 * current age (RFC 9111 4.2.3, so the asking edge computes the same freshness), {@value
 * #PEER_HEADER} naming this edge and {@value #BORN_HEADER} the time the object was first requested
 * from the origin (so a copy older than a purge is never kept). Otherwise a plain 404 without that
 * header; 401 without the token; 400 without host or target. With {@code wait=1} (sent by an edge
 * that found this edge holding the key's fill lease) a request for an object this edge is still
 * filling waits for that fill to end and is answered from what it stored.
 */
public final class PeerEndpoint implements Handler<HttpServerRequest> {

  /** Path of the endpoint. */
  public static final String PATH = "/_cdn/peer/object";

  /** Response header naming the edge an object was filled from. */
  public static final String PEER_HEADER = "X-Cdn-Peer";

  /** Response header with the clock time the object was first requested from the origin. */
  public static final String BORN_HEADER = "X-Cdn-Born";

  private final String edgeId;
  private final ResponseCache cache;
  private final PeerToken token;
  private final Clock clock;
  private final FillsInProgress fills;

  /**
   * @param fills this edge's fills in progress, which a request with {@code wait=1} joins
   */
  public PeerEndpoint(
      String edgeId, ResponseCache cache, PeerToken token, Clock clock, FillsInProgress fills) {
    this.edgeId = edgeId;
    this.cache = cache;
    this.token = token;
    this.clock = clock;
    this.fills = fills;
  }

  @Override
  public void handle(HttpServerRequest req) {
    if (!token.accepts(req.getHeader("Authorization"))) {
      plain(req, 401, "401 Unauthorized: peer token required");
      return;
    }
    if (!PATH.equals(req.path()) || req.method() != HttpMethod.GET) {
      plain(req, 404, "404 Not Found");
      return;
    }
    String host = req.getParam("host");
    String target = req.getParam("target");
    if (host == null || target == null || !target.startsWith("/")) {
      plain(req, 400, "400 Bad Request: host and target required");
      return;
    }
    CacheKey key = new CacheKey(host, target);
    boolean wait = "1".equals(req.getParam("wait"));
    Variants.lookup(cache, key, req.headers())
        .onComplete(
            ar -> {
              Future<?> fill =
                  wait && !fresh(req, ar)
                      ? fills.inFlight(ar.succeeded() ? ar.result().key() : key)
                      : null;
              if (fill == null) {
                answer(req, ar);
                return;
              }
              // the asking edge found this edge's lease: join the fill in progress, answer once it
              // ended
              Context ctx = Vertx.currentContext();
              fill.onComplete(
                  done ->
                      ctx.runOnContext(
                          v ->
                              Variants.lookup(cache, key, req.headers())
                                  .onComplete(again -> answer(req, again))));
            });
  }

  private boolean fresh(HttpServerRequest req, AsyncResult<Variants.Lookup> ar) {
    CachedResponse r = ar.succeeded() ? ar.result().response() : null;
    return r != null && r.isFresh(clock.millis()) && r.matchesVary(req.headers());
  }

  private void answer(HttpServerRequest req, AsyncResult<Variants.Lookup> ar) {
    CachedResponse r = ar.succeeded() ? ar.result().response() : null;
    long now = clock.millis();
    if (r == null || !r.isFresh(now) || !r.matchesVary(req.headers())) {
      plain(req, 404, "404 Not Found: no fresh copy here");
      return;
    }
    HttpServerResponse out = req.response().setStatusCode(r.status());
    for (Map.Entry<String, String> e : r.headers()) {
      String n = e.getKey();
      if (!n.equalsIgnoreCase("Content-Length")
          && !n.equalsIgnoreCase("Transfer-Encoding")
          && !n.equalsIgnoreCase("Age")
          && !n.equalsIgnoreCase(PEER_HEADER)
          && !n.equalsIgnoreCase(BORN_HEADER)) {
        out.headers().add(n, e.getValue());
      }
    }
    out.putHeader("Age", Long.toString(r.currentAgeSeconds(now)))
        .putHeader(PEER_HEADER, edgeId)
        .putHeader(BORN_HEADER, Long.toString(bornMillis(r)));
    if (r.status() == 204 || r.status() == 304) {
      out.end();
    } else if (r.bodyFile() != null) {
      // a large disk-only entry: sent from its file, never read whole into memory
      out.sendFile(r.bodyFile().path().toString(), r.bodyFile().offset(), r.bodyFile().length())
          .onFailure(t -> out.reset());
    } else {
      out.end(r.body());
    }
  }

  private static void plain(HttpServerRequest req, int status, String text) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(text + "\n");
  }

  /**
   * When {@code r} was first requested from the origin: the {@value #BORN_HEADER} it was stored
   * with when it came from a peer, else its own request time.
   */
  public static long bornMillis(CachedResponse r) {
    String b = r.header(BORN_HEADER);
    if (b != null) {
      try {
        return Long.parseLong(b.trim());
      } catch (NumberFormatException e) {
        return Long.MIN_VALUE;
      }
    }
    return r.requestTimeMillis();
  }
}
