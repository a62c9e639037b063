package io.opencdn.edge.http;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cache.Variants;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.OriginRequest;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.serve.RequestDirectives;
import io.opencdn.edge.serve.Serve;
import io.opencdn.edge.serve.ServePolicy;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;

/**
 * GET and HEAD through the cache (RFC 9111): looks up the variant the request selects, asks the
 * {@link ServePolicy} what to do with it ({@link Serve}) and does it: serves the stored response
 * ({@code Hit}, also stale under {@code stale-while-revalidate}, then with one background refresh,
 * or under {@code stale-if-error} while the cluster considers the origin failing), answers 504 for
 * {@code only-if-cached}, or joins the collapsed fill of the key ({@link SingleFlight}): the first
 * request leads it ({@link FillLeader}), the others wait and are served what it shared; when it
 * shared nothing (not storable, too large) each waiter is relayed to the origin itself.
 *
 * <p>{@code Vary} (RFC 9111 4.1): several variants per URL ({@link Variants}). Fills are collapsed
 * per variant once the URL's {@code Vary} is known; before (the first fill), a waiter whose
 * selecting headers differ from the leader's does not take the leader's response but looks up again
 * (once), which finds the new variant index and fills its own variant.
 */
final class CachingProxy {

  private final ResponseCache cache;
  private final SingleFlight<CacheKey, FillOutcome> flights;
  private final ServePolicy policy;
  private final FillLeader leader;
  private final Responder responder;
  private final ProxyHeaders headers;
  private final EdgeMetrics metrics;
  private final Clock clock;
  private final PassProxy pass;

  CachingProxy(
      ResponseCache cache,
      SingleFlight<CacheKey, FillOutcome> flights,
      ServePolicy policy,
      FillLeader leader,
      Responder responder,
      ProxyHeaders headers,
      EdgeMetrics metrics,
      Clock clock,
      PassProxy pass) {
    this.cache = cache;
    this.flights = flights;
    this.policy = policy;
    this.leader = leader;
    this.responder = responder;
    this.headers = headers;
    this.metrics = metrics;
    this.clock = clock;
    this.pass = pass;
  }

  void handle(HttpServerRequest req, Distribution d, CacheKey primary) {
    handle(req, d, primary, false);
  }

  /**
   * Looks up the variant the request selects ({@link Variants#lookup}); the fill, if any, is
   * collapsed on the key it found (the secondary key when the URL's {@code Vary} is known, else the
   * primary key). {@code retried}: this request already waited for a fill of another variant.
   */
  private void handle(HttpServerRequest req, Distribution d, CacheKey primary, boolean retried) {
    Future<Variants.Lookup> lookup = Variants.lookup(cache, primary, req.headers());
    if (lookup.isComplete()) {
      // the memory tier answers at once: no listener, no extra task
      onLookup(req, d, primary, retried, lookup);
    } else {
      lookup.onComplete(ar -> onLookup(req, d, primary, retried, ar));
    }
  }

  private void onLookup(
      HttpServerRequest req,
      Distribution d,
      CacheKey primary,
      boolean retried,
      AsyncResult<Variants.Lookup> ar) {
    CacheKey key = ar.succeeded() ? ar.result().key() : primary;
    CachedResponse stored = ar.succeeded() ? ar.result().response() : null;
    if (stored != null && !stored.matchesVary(req.headers())) {
      stored = null;
    }
    long now = clock.millis();
    switch (policy.decide(RequestDirectives.of(req.headers()), stored, now, d.origin())) {
      case HIT -> {
        metrics.hits.increment();
        responder.stored(req, stored, stored.currentAgeSeconds(now), "Hit", edits(d));
      }
      case STALE_WHILE_REVALIDATE -> {
        metrics.hits.increment();
        metrics.staleServed.increment();
        responder.stored(req, stored, stored.currentAgeSeconds(now), "Hit", edits(d));
        refreshInBackground(req, d, key, stored);
      }
      case STALE_IF_ERROR -> {
        // the cluster already knows the origin is failing: stale-if-error at once (RFC 5861 4)
        metrics.hits.increment();
        metrics.staleServed.increment();
        responder.stored(req, stored, stored.currentAgeSeconds(now), "Hit", edits(d));
      }
      case NOT_CACHED -> responder.notCached(req);
      case REVALIDATE, FILL -> {
        metrics.misses.increment();
        fill(req, d, key, stored, retried);
      }
    }
  }

  private static io.opencdn.edge.http.viewer.HeaderEdits edits(Distribution d) {
    return d.route() == null ? null : d.route().edits();
  }

  /** Starts one refresh of a stale entry unless a fill for the key is already running. */
  private void refreshInBackground(
      HttpServerRequest req, Distribution d, CacheKey key, CachedResponse stored) {
    SingleFlight.Flight<CacheKey, FillOutcome> flight = flights.join(key);
    if (flight.leader()) {
      metrics.backgroundRefreshes.increment();
      leader.lead(
          null,
          d,
          fillRequest(req, d, key),
          MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
          key,
          stored,
          flight);
    }
  }

  private void fill(
      HttpServerRequest req, Distribution d, CacheKey key, CachedResponse stored, boolean retried) {
    SingleFlight.Flight<CacheKey, FillOutcome> flight = flights.join(key);
    if (flight.leader()) {
      leader.lead(req, d, fillRequest(req, d, key), req.headers(), key, stored, flight);
      return;
    }
    metrics.collapsed.increment();
    flight
        .result()
        .onSuccess(
            outcome -> {
              if (outcome instanceof FillOutcome.Shared s
                  && s.response().matchesVary(req.headers())) {
                responder.stored(
                    req,
                    s.response(),
                    s.response().currentAgeSeconds(clock.millis()),
                    s.cacheStatus());
              } else if (outcome instanceof FillOutcome.Shared && !retried) {
                // the leader's response varies on headers this request has other values of (its
                // Vary was
                // not known when the fill began): look up again, now finding the URL's variant
                // index
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
    if (d.route() != null) {
      return OriginRequests.of(
          d,
          HttpMethod.GET,
          headers.toOriginForFill(req, d),
          null,
          key.host(),
          policy::originFailing);
    }
    return new OriginRequest(
        d.origin(),
        HttpMethod.GET,
        key.target(),
        ProxyHeaders.authority(key.host(), d),
        headers.toOriginForFill(req, d),
        null);
  }
}
