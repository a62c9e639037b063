package io.opencdn.edge.cache;

import io.vertx.core.Future;

/**
 * A cache tier: stores complete responses by {@link CacheKey}. Methods return futures so tiers
 * that do I/O (disk, peers) fit the same interface; the memory tier completes them at once.
 * Implementations are thread-safe and never block the caller.
 */
public interface ResponseCache {

  /** The stored response for {@code key} (fresh or stale), or a null result. */
  Future<CachedResponse> get(CacheKey key);

  /** Stores {@code response}, replacing any previous one; a tier may decline (too large). */
  Future<Void> put(CacheKey key, CachedResponse response);

  /** Removes the response stored for {@code key}, if any. */
  Future<Void> invalidate(CacheKey key);

  /** Current counters of this tier. */
  CacheStats stats();

  /** Frees the tier's resources. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
