package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;

/**
 * What this edge is filling now: a peer that asks for an object this edge is still fetching joins
 * that fill instead of going to the origin itself, and the cluster filler learns when a fill ended
 * without storing its object.
 */
@FunctionalInterface
public interface FillsInProgress {

  /** A future completed when the fill of {@code key} running now ends, or null when none runs. */
  Future<?> inFlight(CacheKey key);
}
