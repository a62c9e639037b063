package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HttpDates;
import io.opencdn.edge.fill.BodyCollector;
import io.opencdn.edge.fill.Compressor;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.FillStore;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.fill.RangeTee;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.fill.TeeWriter;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.serve.ServePolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Clock;
import java.util.List;

/**
 * The leader of a collapsed fill, where the fill meets the leader's client: asks the {@link Filler}
 * chain, then, by the answer, serves a 304 refresh ({@code RefreshHit}), a stale response within
 * {@code stale-if-error} on a failure or a 5xx ({@code Hit}), streams a storable response to the
 * client while it is stored ({@link TeeWriter}, {@code Miss}; a large one into a disk-only entry,
 * or only a client's range of it while the whole goes to disk: {@link RangeTee}), or relays what is
 * not storable; a compressible response of a behavior with {@code compress: true} is filled by
 * {@link CompressFill}. What is stored, and what the waiters get, is the {@link FillStore}'s part;
 * the flight is completed exactly once. The client is null for a background refresh ({@code
 * stale-while-revalidate}).
 */
final class FillLeader {

  private final Filler fillers;
  private final FillStore store;
  private final ServePolicy policy;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private final Clock clock;
  private final PassProxy pass;
  private final CacheSettings settings;
  private final CompressFill compress;

  FillLeader(
      Filler fillers,
      FillStore store,
      ServePolicy policy,
      Responder responder,
      ProxyHeaders headers,
      EdgeMetrics metrics,
      Clock clock,
      PassProxy pass) {
    this.fillers = fillers;
    this.store = store;
    this.policy = policy;
    this.responder = responder;
    this.headers = headers;
    this.metrics = metrics;
    this.clock = clock;
    this.pass = pass;
    this.settings = store.settings();
    this.compress = new CompressFill(store, headers, clock, this::finish, metrics);
  }

  /**
   * The leader's fill of {@code key}; {@code req} is the client to answer, or null for a background
   * refresh. {@code requestHeaders} are the client's headers (storability, Vary values); {@code
   * stored} the response stored for the key, if any (revalidated when it has validators).
   */
  void lead(
      HttpServerRequest req,
      Distribution d,
      OriginRequest request,
      MultiMap requestHeaders,
      CacheKey key,
      CachedResponse stored,
      SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    if (ServePolicy.revalidates(stored)) {
      if (stored.etag() != null) {
        request.headers().set("If-None-Match", stored.etag());
      }
      if (stored.lastModifiedMillis() >= 0) {
        request.headers().set("If-Modified-Since", stored.header("Last-Modified"));
      }
    }
    metrics.originRequests.increment();
    long started = System.nanoTime();
    fillers
        .fetch(key, request)
        .onComplete(
            ar -> {
              metrics.originLatency(System.nanoTime() - started);
              try {
                if (ar.failed()) {
                  failOrStale(req, stored, flight, FillException.from(ar.cause()));
                } else {
                  onResponse(req, d, requestHeaders, key, stored, flight, ar.result());
                }
              } catch (RuntimeException e) {
                finish(req, flight, new FillOutcome.Failed(FillException.from(e)));
              }
            });
  }

  private void onResponse(
      HttpServerRequest req,
      Distribution d,
      MultiMap requestHeaders,
      CacheKey key,
      CachedResponse stored,
      SingleFlight.Flight<CacheKey, FillOutcome> flight,
      OriginResponse res) {
    if (!res.headers().contains("Date")) {
      res.headers().set("Date", HttpDates.format(res.responseTimeMillis()));
    }
    if (res.status() == 304 && stored != null && stored.bodyFile() == null) {
      discard(res);
      store
          .refreshed(key, stored, res, requestHeaders)
          .onComplete(outcome -> finish(req, flight, outcome.result()));
      return;
    }
    if (res.status() >= 500 && stored != null && policy.staleIfError(stored, clock.millis())) {
      discard(res);
      failOrStale(req, stored, flight, null);
      return;
    }
    if (req != null && res.status() >= 400 && responder.replaces(req, res.status())) {
      // a custom error page answers the client; the error itself is filled as in the background
      onResponse(null, d, requestHeaders, key, stored, flight, res);
      int status = res.status();
      responder.errorPage(req, status);
      return;
    }
    long lifetime =
        ErrorPages.lifetime(
            d,
            res.status(),
            store.lifetime(
                requestHeaders,
                res,
                d.route() == null ? null : d.route().behavior().cachePolicy()));
    boolean toDisk = lifetime >= 0 && toDisk(req, key, res);
    if (lifetime < 0 || (res.contentLength() > settings.maxObjectBytes() && !toDisk)) {
      if (stored != null) {
        store.drop(key);
      }
      if (req != null && req.headers().contains("Range") && res.status() == 200) {
        // not stored (too large or uncacheable): let the origin answer the Range itself rather
        // than streaming the whole object, so seeking in large media works through the edge
        flight.complete(new FillOutcome.Pass());
        res.raw().request().reset();
        pass.forward(req, d, key.target());
        return;
      }
      passOn(req, flight, res);
      return;
    }
    if (d.compresses()
        && Compressor.compresses(
            res.status(), res.headers(), res.contentLength(), settings.maxObjectBytes())) {
      compress.fill(req, req != null && plainGet(req), requestHeaders, key, res, lifetime, flight);
      return;
    }
    boolean large = toDisk && res.contentLength() > settings.maxObjectBytes();
    if (req != null && large && !plainGet(req)) {
      // a single Range on a large object: fill the whole object to disk, send the client its range
      CachedResponse head = FillStore.entry(res, Buffer.buffer(), requestHeaders, lifetime);
      if (Conditionals.ifRangeHolds(req.headers(), head)) {
        List<Ranges.Range> ranges = Ranges.parse(req.headers().get("Range"), res.contentLength());
        if (ranges != null && ranges.size() <= 1) {
          rangeFill(
              req,
              key,
              requestHeaders,
              res,
              head,
              lifetime,
              ranges.isEmpty() ? null : ranges.get(0),
              flight);
          return;
        }
      }
      // If-Range does not hold (or the range did not parse): the full 200, streamed and stored
      // below
    }
    if (req != null && (plainGet(req) || large)) {
      CachedResponse head = FillStore.entry(res, Buffer.buffer(), requestHeaders, lifetime);
      HttpServerResponse out = req.response();
      out.setStatusCode(res.status());
      headers.toClient(out, res.headers(), "Miss from " + headers.edgeId());
      out.putHeader("Age", Long.toString(head.currentAgeSeconds(clock.millis())));
      TeeWriter.stream(
              res, out, settings.maxObjectBytes(), toDisk ? () -> store.openLarge(key, head) : null)
          .onComplete(
              body ->
                  store
                      .streamed(key, requestHeaders, res, lifetime, body)
                      .onComplete(outcome -> flight.complete(outcome.result())));
      return;
    }
    BodyCollector.collect(res, settings.maxObjectBytes())
        .onComplete(
            body -> {
              if (body.failed()) {
                finish(req, flight, new FillOutcome.Failed(FillException.from(body.cause())));
              } else if (!body.result().complete()) {
                if (req == null) {
                  res.raw().request().reset();
                  flight.complete(new FillOutcome.Pass());
                } else {
                  flight.complete(new FillOutcome.Pass());
                  metrics.passes.increment();
                  responder.relay(req, res, body.result().body());
                }
              } else {
                store
                    .store(key, requestHeaders, res, lifetime, body.result().body())
                    .onComplete(outcome -> finish(req, flight, outcome.result()));
              }
            });
  }

  /**
   * The leader's client asked for one range of a large object: answers 206 with that range (or 416
   * at once when it is unsatisfiable for the object's length) while {@link RangeTee} writes the
   * whole body to a disk-only entry, which the flight shares once published.
   */
  private void rangeFill(
      HttpServerRequest req,
      CacheKey key,
      MultiMap requestHeaders,
      OriginResponse res,
      CachedResponse head,
      long lifetime,
      Ranges.Range range,
      SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    long length = res.contentLength();
    HttpServerResponse out = req.response();
    headers.toClient(out, res.headers(), "Miss from " + headers.edgeId());
    out.putHeader("Age", Long.toString(head.currentAgeSeconds(clock.millis())));
    out.headers().set("Accept-Ranges", "bytes");
    if (range == null) {
      out.setStatusCode(416).putHeader("Content-Range", "bytes */" + length);
      out.headers().remove("Content-Type");
      out.headers().set("Content-Length", "0");
      out.end();
    } else {
      out.setStatusCode(206).putHeader("Content-Range", range.contentRange(length));
      out.headers().set("Content-Length", Long.toString(range.length()));
    }
    RangeTee.stream(
            res,
            out,
            range == null ? -1 : range.first(),
            range == null ? -1 : range.last(),
            store.openLarge(key, head))
        .onComplete(
            body ->
                store
                    .streamed(key, requestHeaders, res, lifetime, body)
                    .onComplete(outcome -> flight.complete(outcome.result())));
  }

  /**
   * A response that is not stored: relayed to the leader's client (or dropped in the background).
   */
  private void passOn(
      HttpServerRequest req,
      SingleFlight.Flight<CacheKey, FillOutcome> flight,
      OriginResponse res) {
    flight.complete(new FillOutcome.Pass());
    if (req == null) {
      res.raw().request().reset();
      return;
    }
    metrics.passes.increment();
    responder.relay(req, res, null);
  }

  /** Serves {@code stored} if stale-if-error allows it, else the error. */
  private void failOrStale(
      HttpServerRequest req,
      CachedResponse stored,
      SingleFlight.Flight<CacheKey, FillOutcome> flight,
      FillException error) {
    if (stored != null && policy.staleIfError(stored, clock.millis())) {
      metrics.staleServed.increment();
      finish(req, flight, new FillOutcome.Shared(stored, "Hit"));
    } else {
      finish(
          req,
          flight,
          new FillOutcome.Failed(
              error != null
                  ? error
                  : new FillException(
                      FillException.Kind.BROKEN, "origin answered with an error", null)));
    }
  }

  /** Completes the flight and answers the leader's client, if any. */
  private void finish(
      HttpServerRequest req,
      SingleFlight.Flight<CacheKey, FillOutcome> flight,
      FillOutcome outcome) {
    flight.complete(outcome);
    if (req == null) {
      return;
    }
    if (outcome instanceof FillOutcome.Shared s) {
      responder.stored(
          req, s.response(), s.response().currentAgeSeconds(clock.millis()), s.cacheStatus());
    } else if (outcome instanceof FillOutcome.Failed f) {
      responder.error(req, f.error());
    }
  }

  /**
   * True when a storable response may go to a disk-only large entry should it exceed {@code
   * maxObjectBytes}: a disk tier is set, the client sent a plain GET (or one with a single range),
   * the response is a 200 without {@code Vary} for a primary key, and its declared length (if any)
   * is within {@code diskMaxObjectBytes}.
   */
  private boolean toDisk(HttpServerRequest req, CacheKey key, OriginResponse res) {
    long declared = res.contentLength();
    return store.storesLargeObjects()
        && req != null
        && (plainGet(req) || singleRangeGet(req))
        && res.status() == 200
        && !key.isVariant()
        && !res.headers().contains("Vary")
        && declared <= settings.diskMaxObjectBytes();
  }

  /**
   * A GET with one range (it may carry {@code If-Range}) and no other conditionals: on a large
   * object it fills the whole object to disk while the client gets its range ({@link RangeTee}).
   */
  private static boolean singleRangeGet(HttpServerRequest req) {
    MultiMap h = req.headers();
    if (req.method() != HttpMethod.GET
        || h.contains("If-None-Match")
        || h.contains("If-Modified-Since")
        || h.contains("If-Match")
        || h.contains("If-Unmodified-Since")) {
      return false;
    }
    List<Ranges.Range> ranges = Ranges.parse(h.get("Range"), Long.MAX_VALUE);
    return ranges != null && ranges.size() == 1;
  }

  /** A GET without Range or conditionals: the only kind streamed while it is stored. */
  private static boolean plainGet(HttpServerRequest req) {
    MultiMap h = req.headers();
    return req.method() == HttpMethod.GET
        && !h.contains("Range")
        && !h.contains("If-None-Match")
        && !h.contains("If-Modified-Since")
        && !h.contains("If-Match")
        && !h.contains("If-Unmodified-Since");
  }

  private static void discard(OriginResponse res) {
    res.raw().handler(null);
    res.raw().exceptionHandler(t -> {});
    res.raw().resume();
  }
}
