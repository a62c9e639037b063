package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.RangeTee;
import io.opencdn.edge.fill.TeeWriter;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.serve.RequestDirectives;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HttpDates;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cache.Variants;
import io.opencdn.edge.fill.BodyCollector;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.fill.SingleFlight;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * GET and HEAD through the cache (RFC 9111). A stored response that satisfies the request's
 * directives ({@link RequestDirectives}) is served ({@code Hit}); a stale one within
 * {@code stale-while-revalidate} is served while one background refresh runs; otherwise one
 * collapsed fill per key asks the {@link Filler} chain, conditionally ({@code If-None-Match},
 * {@code If-Modified-Since}) when a stored response has validators. A 304 updates the stored
 * headers ({@code RefreshHit}); a failure or a 5xx within {@code stale-if-error} serves the stale
 * response ({@code Hit}); a new storable response is streamed to the leader's client while it is
 * stored ({@code Miss}) and shared with the waiters once complete. Anything not storable is
 * relayed to the leader's client, and the waiters fetch for themselves. While the cluster
 * considers the distribution's origin failing ({@link EdgeHandler#originFailing}), a stale
 * response within {@code stale-if-error} is served at once and no background refresh starts.
 *
 * <p>{@code Vary} (RFC 9111 4.1): several variants per URL ({@link Variants}). Fills are collapsed
 * per variant once the URL's {@code Vary} is known; before (the first fill), a waiter whose
 * selecting headers differ from the leader's does not take the leader's response but looks up
 * again (once), which finds the new variant index and fills its own variant.
 */
final class CachingProxy {

  private final ResponseCache cache;
  private final Filler fillers;
  private final SingleFlight<CacheKey, FillOutcome> flights;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private final Clock clock;
  private final CacheSettings settings;
  private final PassProxy pass;
  private volatile java.util.function.Predicate<io.opencdn.edge.fill.Origin> originFailing = o -> false;
  private volatile io.opencdn.edge.cache.DiskCache largeObjects;

  CachingProxy(ResponseCache cache, Filler fillers, SingleFlight<CacheKey, FillOutcome> flights, Responder responder,
      ProxyHeaders headers, EdgeMetrics metrics, Clock clock, CacheSettings settings, PassProxy pass) {
    this.cache = cache;
    this.fillers = fillers;
    this.flights = flights;
    this.responder = responder;
    this.headers = headers;
    this.metrics = metrics;
    this.clock = clock;
    this.settings = settings;
    this.pass = pass;
  }

  /** See {@link EdgeHandler#originFailing}. */
  void originFailing(java.util.function.Predicate<io.opencdn.edge.fill.Origin> failing) {
    this.originFailing = failing;
  }

  /** See {@link EdgeHandler#largeObjects}. */
  void largeObjects(io.opencdn.edge.cache.DiskCache disk) {
    this.largeObjects = disk;
  }

  void handle(HttpServerRequest req, Distribution d, CacheKey primary) {
    handle(req, d, primary, false);
  }

  /**
   * Looks up the variant the request selects ({@link Variants#lookup}); the fill, if any, is
   * collapsed on the key it found (the secondary key when the URL's {@code Vary} is known, else
   * the primary key). {@code retried}: this request already waited for a fill of another variant.
   */
  private void handle(HttpServerRequest req, Distribution d, CacheKey primary, boolean retried) {
    RequestDirectives rd = RequestDirectives.of(req.headers());
    io.vertx.core.Future<Variants.Lookup> lookup = Variants.lookup(cache, primary, req.headers());
    if (lookup.isComplete()) {
      // the memory tier answers at once: no listener, no extra task
      onLookup(req, d, primary, retried, rd, lookup);
    } else {
      lookup.onComplete(ar -> onLookup(req, d, primary, retried, rd, ar));
    }
  }

  private void onLookup(HttpServerRequest req, Distribution d, CacheKey primary, boolean retried, RequestDirectives rd,
      io.vertx.core.AsyncResult<Variants.Lookup> ar) {
    CacheKey key = ar.succeeded() ? ar.result().key() : primary;
    CachedResponse stored = ar.succeeded() ? ar.result().response() : null;
    if (stored != null && !stored.matchesVary(req.headers())) {
      stored = null;
    }
    long now = clock.millis();
    if (stored == null) {
      if (rd.onlyIfCached()) {
        responder.notCached(req);
        return;
      }
      metrics.misses.increment();
      fill(req, d, key, null, retried);
      return;
    }
    long age = stored.currentAgeSeconds(now);
    CachedResponse entry = stored;
    if (rd.accepts(age, stored.freshnessLifetimeSeconds(), entry::mustRevalidate)) {
      metrics.hits.increment();
      responder.stored(req, stored, age, "Hit");
    } else if (rd.onlyIfCached()) {
      responder.notCached(req);
    } else if (rd.allowsStaleWhileRevalidate() && stored.stalenessSeconds(now) > 0 && !stored.mustRevalidate()
        && stored.stalenessSeconds(now) <= stored.staleWhileRevalidateSeconds(settings.staleWhileRevalidateSeconds())) {
      metrics.hits.increment();
      metrics.staleServed.increment();
      responder.stored(req, stored, age, "Hit");
      if (!originFailing.test(d.origin())) {
        refreshInBackground(req, d, key, stored);
      }
    } else if (staleIfErrorAllowed(stored) && originFailing.test(d.origin())) {
      // the cluster already knows the origin is failing: stale-if-error at once (RFC 5861 4)
      metrics.hits.increment();
      metrics.staleServed.increment();
      responder.stored(req, stored, age, "Hit");
    } else {
      metrics.misses.increment();
      fill(req, d, key, stored, retried);
    }
  }

  /** Starts one refresh of a stale entry unless a fill for the key is already running. */
  private void refreshInBackground(HttpServerRequest req, Distribution d, CacheKey key, CachedResponse stored) {
    SingleFlight.Flight<CacheKey, FillOutcome> flight = flights.join(key);
    if (flight.leader()) {
      metrics.backgroundRefreshes.increment();
      lead(null, d, fillRequest(req, d, key), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), key, stored, flight);
    }
  }

  private void fill(HttpServerRequest req, Distribution d, CacheKey key, CachedResponse stored, boolean retried) {
    SingleFlight.Flight<CacheKey, FillOutcome> flight = flights.join(key);
    if (flight.leader()) {
      lead(req, d, fillRequest(req, d, key), req.headers(), key, stored, flight);
      return;
    }
    metrics.collapsed.increment();
    flight.result().onSuccess(outcome -> {
      if (outcome instanceof FillOutcome.Shared s && s.response().matchesVary(req.headers())) {
        responder.stored(req, s.response(), s.response().currentAgeSeconds(clock.millis()), s.cacheStatus());
      } else if (outcome instanceof FillOutcome.Shared && !retried) {
        // the leader's response varies on headers this request has other values of (its Vary was
        // not known when the fill began): look up again, now finding the URL's variant index
        handle(req, d, key.primary(), true);
      } else if (outcome instanceof FillOutcome.Failed f) {
        responder.error(req, f.error());
      } else {
        pass.forward(req, d, key.target());
      }
    });
  }

  /** The fill of {@code key}: its (normalised) target, and Host = the key's host. */
  private OriginRequest fillRequest(HttpServerRequest req, Distribution d, CacheKey key) {
    return new OriginRequest(d.origin(), HttpMethod.GET, key.target(), authority(key.host(), d), headers.toOriginForFill(req, d),
        null);
  }

  /**
   * The leader's fill; {@code req} is the client to answer, or null for a background refresh.
   * {@code requestHeaders} are the client's headers (storability, Vary values).
   */
  private void lead(HttpServerRequest req, Distribution d, OriginRequest request, MultiMap requestHeaders, CacheKey key,
      CachedResponse stored, SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    if (stored != null && stored.bodyFile() == null) {
      // (a large disk-only entry is fetched again in full: its stored headers are not updated in place)
      if (stored.etag() != null) {
        request.headers().set("If-None-Match", stored.etag());
      }
      if (stored.lastModifiedMillis() >= 0) {
        request.headers().set("If-Modified-Since", stored.header("Last-Modified"));
      }
    }
    metrics.originRequests.increment();
    long started = System.nanoTime();
    fillers.fetch(key, request).onComplete(ar -> {
      metrics.originLatency(System.nanoTime() - started);
      try {
        if (ar.failed()) {
          failOrStale(req, key, stored, flight, FillException.from(ar.cause()));
        } else {
          onResponse(req, d, requestHeaders, key, stored, flight, ar.result());
        }
      } catch (RuntimeException e) {
        finish(req, flight, new FillOutcome.Failed(FillException.from(e)));
      }
    });
  }

  private void onResponse(HttpServerRequest req, Distribution d, MultiMap requestHeaders, CacheKey key, CachedResponse stored,
      SingleFlight.Flight<CacheKey, FillOutcome> flight, OriginResponse res) {
    if (!res.headers().contains("Date")) {
      res.headers().set("Date", HttpDates.format(res.responseTimeMillis()));
    }
    if (res.status() == 304 && stored != null && stored.bodyFile() == null) {
      discard(res);
      MultiMap merged = stored.headersUpdatedBy(res.headers());
      long lifetime = CachePolicy.storableLifetime(requestHeaders, stored.status(), merged, res.responseTimeMillis(),
          settings.heuristicMaxSeconds());
      CachedResponse entry = CachedResponse.of(stored.status(), merged, stored.body(), requestHeaders,
          res.requestTimeMillis(), res.responseTimeMillis(), Math.max(0, lifetime));
      metrics.refreshHits.increment();
      (lifetime < 0 ? cache.invalidate(key) : Variants.store(cache, key, requestHeaders, entry).<Void>mapEmpty())
          .onComplete(v -> finish(req, flight, new FillOutcome.Shared(entry, "RefreshHit")));
      return;
    }
    if (res.status() >= 500 && stored != null && staleIfErrorAllowed(stored)) {
      discard(res);
      failOrStale(req, key, stored, flight, null);
      return;
    }
    long lifetime = CachePolicy.storableLifetime(requestHeaders, res.status(), res.headers(), res.responseTimeMillis(),
        settings.heuristicMaxSeconds());
    boolean toDisk = lifetime >= 0 && toDisk(req, key, res);
    if (lifetime < 0 || (res.contentLength() > settings.maxObjectBytes() && !toDisk)) {
      if (stored != null) {
        cache.invalidate(key);
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
    boolean large = toDisk && res.contentLength() > settings.maxObjectBytes();
    if (req != null && large && !plainGet(req)) {
      // a single Range on a large object: fill the whole object to disk, send the client its range
      CachedResponse head = entry(res, Buffer.buffer(), requestHeaders, lifetime);
      if (Conditionals.ifRangeHolds(req.headers(), head)) {
        java.util.List<Ranges.Range> ranges = Ranges.parse(req.headers().get("Range"), res.contentLength());
        if (ranges != null && ranges.size() <= 1) {
          rangeFill(req, key, requestHeaders, res, head, lifetime, ranges.isEmpty() ? null : ranges.get(0), flight);
          return;
        }
      }
      // If-Range does not hold (or the range did not parse): the full 200, streamed and stored below
    }
    if (req != null && (plainGet(req) || large)) {
      CachedResponse head = entry(res, Buffer.buffer(), requestHeaders, lifetime);
      var out = req.response();
      out.setStatusCode(res.status());
      headers.toClient(out, res.headers(), "Miss from " + headers.edgeId());
      out.putHeader("Age", Long.toString(head.currentAgeSeconds(clock.millis())));
      var disk = toDisk ? largeObjects : null;
      java.util.function.Supplier<io.vertx.core.Future<io.opencdn.edge.cache.DiskEntryWriter>> spill = disk == null ? null
          : () -> openLarge(key, head);
      TeeWriter.stream(res, out, settings.maxObjectBytes(), spill)
          .onComplete(body -> onStreamed(key, requestHeaders, res, lifetime, flight, body));
      return;
    }
    BodyCollector.collect(res, settings.maxObjectBytes()).onComplete(body -> {
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
        CachedResponse entry = entry(res, body.result().body(), requestHeaders, lifetime);
        Variants.store(cache, key, requestHeaders, entry)
            .onComplete(v -> finish(req, flight, new FillOutcome.Shared(entry, "Miss")));
      }
    });
  }

  /**
   * The leader's client asked for one range of a large object: answers 206 with that range (or
   * 416 at once when it is unsatisfiable for the object's length) while {@link RangeTee} writes
   * the whole body to a disk-only entry, which the flight shares once published.
   */
  private void rangeFill(HttpServerRequest req, CacheKey key, MultiMap requestHeaders, OriginResponse res,
      CachedResponse head, long lifetime, Ranges.Range range, SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    long length = res.contentLength();
    var out = req.response();
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
    RangeTee.stream(res, out, range == null ? -1 : range.first(), range == null ? -1 : range.last(), openLarge(key, head))
        .onComplete(body -> onStreamed(key, requestHeaders, res, lifetime, flight, body));
  }

  /** Opens a disk-only entry for a large object (null when it cannot); the old copy makes way. */
  private io.vertx.core.Future<io.opencdn.edge.cache.DiskEntryWriter> openLarge(CacheKey key, CachedResponse head) {
    var disk = largeObjects;
    // the old copy (memory or disk) makes way for the large one, which lives on disk only
    return cache.invalidate(key).recover(t -> io.vertx.core.Future.succeededFuture())
        .compose(v -> disk.openLarge(key, head, settings.diskMaxObjectBytes()))
        .recover(t -> io.vertx.core.Future.succeededFuture());
  }

  /** Completes the flight of a streamed fill ({@link TeeWriter} or {@link RangeTee}). */
  private void onStreamed(CacheKey key, MultiMap requestHeaders, OriginResponse res, long lifetime,
      SingleFlight.Flight<CacheKey, FillOutcome> flight, io.vertx.core.AsyncResult<TeeWriter.Result> body) {
    var disk = largeObjects;
    if (body.failed()) {
      metrics.errors.increment();
      flight.complete(new FillOutcome.Failed(FillException.from(body.cause())));
    } else if (body.result().onDisk() != null) {
      // already on disk; put() lets the layers above record it (surrogate keys, the cluster's
      // directory and fill lease); the tiers themselves do not store it again
      CachedResponse onDisk = body.result().onDisk();
      cache.put(key, onDisk).onComplete(v -> flight.complete(disk.holds(key, onDisk.bodyFile().path())
          ? new FillOutcome.Shared(onDisk, "Miss") : new FillOutcome.Pass()));
    } else if (body.result().body() == null) {
      metrics.passes.increment();
      flight.complete(new FillOutcome.Pass());
    } else {
      CachedResponse entry = entry(res, body.result().body(), requestHeaders, lifetime);
      Variants.store(cache, key, requestHeaders, entry)
          .onComplete(v -> flight.complete(new FillOutcome.Shared(entry, "Miss")));
    }
  }

  private CachedResponse entry(OriginResponse res, Buffer body, MultiMap requestHeaders, long lifetime) {
    return CachedResponse.of(res.status(), res.headers(), body, requestHeaders, res.requestTimeMillis(),
        res.responseTimeMillis(), lifetime);
  }

  /** A response that is not stored: relayed to the leader's client (or dropped in the background). */
  private void passOn(HttpServerRequest req, SingleFlight.Flight<CacheKey, FillOutcome> flight, OriginResponse res) {
    flight.complete(new FillOutcome.Pass());
    if (req == null) {
      res.raw().request().reset();
      return;
    }
    metrics.passes.increment();
    responder.relay(req, res, null);
  }

  /** Serves {@code stored} if stale-if-error allows it, else the error. */
  private void failOrStale(HttpServerRequest req, CacheKey key, CachedResponse stored,
      SingleFlight.Flight<CacheKey, FillOutcome> flight, FillException error) {
    if (stored != null && staleIfErrorAllowed(stored)) {
      metrics.staleServed.increment();
      finish(req, flight, new FillOutcome.Shared(stored, "Hit"));
    } else {
      finish(req, flight, new FillOutcome.Failed(error != null ? error
          : new FillException(FillException.Kind.BROKEN, "origin answered with an error", null)));
    }
  }

  private boolean staleIfErrorAllowed(CachedResponse stored) {
    return !stored.mustRevalidate()
        && stored.stalenessSeconds(clock.millis()) <= stored.staleIfErrorSeconds(settings.staleIfErrorSeconds());
  }

  /** Completes the flight and answers the leader's client, if any. */
  private void finish(HttpServerRequest req, SingleFlight.Flight<CacheKey, FillOutcome> flight, FillOutcome outcome) {
    flight.complete(outcome);
    if (req == null) {
      return;
    }
    if (outcome instanceof FillOutcome.Shared s) {
      responder.stored(req, s.response(), s.response().currentAgeSeconds(clock.millis()), s.cacheStatus());
    } else if (outcome instanceof FillOutcome.Failed f) {
      responder.error(req, f.error());
    }
  }

  /**
   * True when a storable response may go to a disk-only large entry should it exceed
   * {@code maxObjectBytes}: a disk tier is set, the client sent a plain GET, the response is a 200
   * without {@code Vary} for a primary key, and its declared length (if any) is within
   * {@code diskMaxObjectBytes}.
   */
  private boolean toDisk(HttpServerRequest req, CacheKey key, OriginResponse res) {
    long declared = res.contentLength();
    return largeObjects != null && settings.diskMaxObjectBytes() > settings.maxObjectBytes() && req != null
        && (plainGet(req) || singleRangeGet(req)) && res.status() == 200 && !key.isVariant() && !res.headers().contains("Vary")
        && declared <= settings.diskMaxObjectBytes();
  }

  /**
   * A GET with one range (it may carry {@code If-Range}) and no other conditionals: on a large
   * object it fills the whole object to disk while the client gets its range ({@link RangeTee}).
   */
  private static boolean singleRangeGet(HttpServerRequest req) {
    MultiMap h = req.headers();
    if (req.method() != HttpMethod.GET || h.contains("If-None-Match") || h.contains("If-Modified-Since")
        || h.contains("If-Match") || h.contains("If-Unmodified-Since")) {
      return false;
    }
    java.util.List<Ranges.Range> ranges = Ranges.parse(h.get("Range"), Long.MAX_VALUE);
    return ranges != null && ranges.size() == 1;
  }

  /** A GET without Range or conditionals: the only kind streamed while it is stored. */
  private static boolean plainGet(HttpServerRequest req) {
    MultiMap h = req.headers();
    return req.method() == HttpMethod.GET && !h.contains("Range") && !h.contains("If-None-Match")
        && !h.contains("If-Modified-Since") && !h.contains("If-Match") && !h.contains("If-Unmodified-Since");
  }

  private static void discard(OriginResponse res) {
    res.raw().handler(null);
    res.raw().exceptionHandler(t -> { });
    res.raw().resume();
  }

  /**
   * The Host sent to the origin: the cache key's host (lower case, no port, no trailing dot), so
   * the origin never answers for a Host the key does not name; the origin's own authority when
   * the request had none.
   */
  static String authority(String keyHost, Distribution d) {
    if (keyHost == null || keyHost.isEmpty()) {
      return d.origin().host() + ":" + d.origin().port();
    }
    return keyHost.indexOf(':') >= 0 ? "[" + keyHost + "]" : keyHost;
  }
}
