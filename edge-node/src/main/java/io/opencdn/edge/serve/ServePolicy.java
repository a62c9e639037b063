package io.opencdn.edge.serve;

import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.fill.Origin;
import java.util.function.Predicate;

/**
 * The serve decision of the HTTP cache (RFC 9111 4, RFC 5861): a pure function of the request's
 * directives, the stored response and the time, plus what the cluster says about the origin. It
 * reads no clock of its own and changes nothing; the HTTP stage acts on the {@link Serve} it
 * yields, and asks {@link #staleIfError} again when a fill fails.
 *
 * <p>On the hit path {@link #decide} allocates nothing and asks {@code originFailing} only for a
 * stale response.
 */
public final class ServePolicy {

  private final CacheSettings settings;
  private final Predicate<Origin> originFailing;

  /**
   * @param settings the default stale windows (for responses without their own directives)
   * @param originFailing whether the cluster considers an origin failing now (standalone: never)
   */
  public ServePolicy(CacheSettings settings, Predicate<Origin> originFailing) {
    this.settings = settings;
    this.originFailing = originFailing;
  }

  /** Whether the cluster considers {@code origin} failing now (standalone: never). */
  public boolean originFailing(Origin origin) {
    return originFailing.test(origin);
  }

  /** The object size limits and stale windows. */
  public CacheSettings settings() {
    return settings;
  }

  /**
   * What to do for a request with directives {@code rd} given {@code stored} (null: nothing stored,
   * or a variant the request does not select) at {@code nowMillis}, for a distribution whose origin
   * is {@code origin}.
   */
  public Serve decide(RequestDirectives rd, CachedResponse stored, long nowMillis, Origin origin) {
    if (stored == null) {
      return rd.onlyIfCached() ? Serve.NOT_CACHED : Serve.FILL;
    }
    long age = stored.currentAgeSeconds(nowMillis);
    if (rd.accepts(age, stored.freshnessLifetimeSeconds(), stored.mustRevalidate())) {
      return Serve.HIT;
    }
    if (rd.onlyIfCached()) {
      return Serve.NOT_CACHED;
    }
    long staleness = age - stored.freshnessLifetimeSeconds();
    if (rd.allowsStaleWhileRevalidate()
        && staleness > 0
        && !stored.mustRevalidate()
        && staleness
            <= stored.staleWhileRevalidateSeconds(settings.staleWhileRevalidateSeconds())) {
      return originFailing.test(origin) ? Serve.STALE_IF_ERROR : Serve.STALE_WHILE_REVALIDATE;
    }
    if (staleIfError(stored, nowMillis) && originFailing.test(origin)) {
      return Serve.STALE_IF_ERROR;
    }
    return revalidates(stored) ? Serve.REVALIDATE : Serve.FILL;
  }

  /**
   * Whether {@code stored} may be served at {@code nowMillis} because its origin failed (RFC 5861
   * 4): not {@code must-revalidate} (or the like) and stale by no more than its {@code
   * stale-if-error} window (else the configured one).
   */
  public boolean staleIfError(CachedResponse stored, long nowMillis) {
    return !stored.mustRevalidate()
        && stored.stalenessSeconds(nowMillis)
            <= stored.staleIfErrorSeconds(settings.staleIfErrorSeconds());
  }

  /**
   * Whether a fill of {@code stored} asks conditionally: it has a validator and its body in memory
   * (a large disk-only entry is fetched again in full: its stored headers are not updated in
   * place).
   */
  public static boolean revalidates(CachedResponse stored) {
    return stored != null
        && stored.bodyFile() == null
        && (stored.etag() != null || stored.lastModifiedMillis() >= 0);
  }
}
