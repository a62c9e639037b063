package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CachedResponse;

/** What the leader of a collapsed fill hands to the requests that waited for it. */
public sealed interface FillOutcome {

  /**
   * A complete response to serve: a new or revalidated entry, or a stale one served because the
   * origin failed ({@code stale-if-error}).
   *
   * @param response what to serve
   * @param cacheStatus the X-Cache value: Miss, RefreshHit or Hit
   */
  record Shared(CachedResponse response, String cacheStatus) implements FillOutcome {}

  /** Not shareable (uncacheable or too large): each waiter asks the origin itself. */
  record Pass() implements FillOutcome {}

  /** The origin failed: answer with the same error. */
  record Failed(FillException error) implements FillOutcome {}
}
