package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HttpDates;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.fill.BodyCollector;
import io.opencdn.edge.fill.FillException;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.OriginResponse;
import io.opencdn.edge.fill.SingleFlight;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * GET and HEAD: cache lookup, then on a miss or a stale entry one collapsed fill per key from the
 * origin. The leader of a fill sends a GET (also for a HEAD, so the result can be stored) without
 * conditionals, reads the whole body when the response is storable and no larger than
 * {@code maxObjectBytes}, stores it and shares it with the requests that waited. Anything not
 * storable is streamed to the leader's client, and the waiters fetch for themselves.
 */
final class CachingProxy {

  private final ResponseCache cache;
  private final OriginClient origin;
  private final SingleFlight<CacheKey, FillOutcome> flights;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private final Clock clock;
  private final long maxObjectBytes;
  private final PassProxy pass;

  CachingProxy(ResponseCache cache, OriginClient origin, SingleFlight<CacheKey, FillOutcome> flights,
      Responder responder, ProxyHeaders headers, EdgeMetrics metrics, Clock clock, long maxObjectBytes, PassProxy pass) {
    this.cache = cache;
    this.origin = origin;
    this.flights = flights;
    this.responder = responder;
    this.headers = headers;
    this.metrics = metrics;
    this.clock = clock;
    this.maxObjectBytes = maxObjectBytes;
    this.pass = pass;
  }

  void handle(HttpServerRequest req, Distribution d, CacheKey key) {
    cache.get(key).onComplete(ar -> {
      CachedResponse stored = ar.succeeded() ? ar.result() : null;
      long now = clock.millis();
      if (stored != null && stored.isFresh(now) && stored.matchesVary(req.headers())) {
        metrics.hits.increment();
        responder.stored(req, stored, stored.currentAgeSeconds(now), "Hit");
      } else {
        metrics.misses.increment();
        fill(req, d, key);
      }
    });
  }

  private void fill(HttpServerRequest req, Distribution d, CacheKey key) {
    SingleFlight.Flight<CacheKey, FillOutcome> flight = flights.join(key);
    if (flight.leader()) {
      lead(req, d, key, flight);
      return;
    }
    metrics.collapsed.increment();
    flight.result().onSuccess(outcome -> {
      if (outcome instanceof FillOutcome.Shared s && s.response().matchesVary(req.headers())) {
        responder.stored(req, s.response(), s.response().currentAgeSeconds(clock.millis()), "Miss");
      } else if (outcome instanceof FillOutcome.Failed f) {
        responder.error(req, f.error());
      } else {
        pass.forward(req, d);
      }
    });
  }

  private void lead(HttpServerRequest req, Distribution d, CacheKey key, SingleFlight.Flight<CacheKey, FillOutcome> flight) {
    metrics.originRequests.increment();
    OriginRequest request = new OriginRequest(d.origin(), HttpMethod.GET, req.uri(), authority(req, d),
        headers.toOriginForFill(req), null);
    origin.send(request).onComplete(ar -> {
      try {
        onResponse(req, key, flight, ar);
      } catch (RuntimeException e) {
        fail(req, flight, e);
      }
    });
  }

  private void onResponse(HttpServerRequest req, CacheKey key, SingleFlight.Flight<CacheKey, FillOutcome> flight,
      AsyncResult<OriginResponse> ar) {
    if (ar.failed()) {
      fail(req, flight, ar.cause());
      return;
    }
    OriginResponse res = ar.result();
    if (!res.headers().contains("Date")) {
      res.headers().set("Date", HttpDates.format(res.responseTimeMillis()));
    }
    long lifetime = CachePolicy.storableLifetime(req.headers(), res.status(), res.headers(), res.responseTimeMillis());
    if (lifetime < 0 || res.contentLength() > maxObjectBytes) {
      flight.complete(new FillOutcome.Pass());
      metrics.passes.increment();
      responder.relay(req, res, null);
      return;
    }
    BodyCollector.collect(res, maxObjectBytes).onComplete(body -> {
      try {
        onBody(req, key, flight, res, lifetime, body);
      } catch (RuntimeException e) {
        fail(req, flight, e);
      }
    });
  }

  private void onBody(HttpServerRequest req, CacheKey key, SingleFlight.Flight<CacheKey, FillOutcome> flight,
      OriginResponse res, long lifetime, AsyncResult<BodyCollector.Collected> body) {
    if (body.failed()) {
      fail(req, flight, body.cause());
    } else if (!body.result().complete()) {
      flight.complete(new FillOutcome.Pass());
      metrics.passes.increment();
      responder.relay(req, res, body.result().body());
    } else {
      CachedResponse entry = CachedResponse.of(res.status(), res.headers(), body.result().body(), req.headers(),
          res.requestTimeMillis(), res.responseTimeMillis(), lifetime);
      cache.put(key, entry).onComplete(stored -> {
        flight.complete(new FillOutcome.Shared(entry));
        responder.stored(req, entry, entry.currentAgeSeconds(clock.millis()), "Miss");
      });
    }
  }

  /** Completes the flight as an error (also for unexpected failures, so waiters never hang). */
  private void fail(HttpServerRequest req, SingleFlight.Flight<CacheKey, FillOutcome> flight, Throwable t) {
    FillException e = FillException.from(t);
    flight.complete(new FillOutcome.Failed(e));
    responder.error(req, e);
  }

  static String authority(HttpServerRequest req, Distribution d) {
    String host = req.getHeader("Host");
    return host == null || host.isBlank() ? d.origin().host() + ":" + d.origin().port() : host;
  }
}
