package io.opencdn.edge.cache;

import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A cache tier: stores complete responses by {@link CacheKey}. Methods return futures so tiers that
 * do I/O (disk, peers) fit the same interface; the memory tier completes them at once.
 * Implementations are thread-safe and never block the caller.
 *
 * <p>Tiers keep a response past its freshness lifetime for a while (until evicted for space or the
 * tier's stale retention passes), so the HTTP stage can revalidate it or serve it stale under
 * {@code stale-while-revalidate} / {@code stale-if-error}.
 */
public interface ResponseCache {

  /** The stored response for {@code key} (fresh or stale), or a null result. */
  Future<CachedResponse> get(CacheKey key);

  /** Stores {@code response}, replacing any previous one; a tier may decline (too large). */
  Future<Void> put(CacheKey key, CachedResponse response);

  /**
   * Removes the response stored for {@code key}, if any; for a primary key also every {@code Vary}
   * variant stored under its secondary keys ({@link Variants}).
   */
  Future<Void> invalidate(CacheKey key);

  /**
   * Purge entry point: removes every stored response whose key matches, yielding how many were
   * removed. Tiers that cannot enumerate their keys fail the future.
   */
  default Future<Long> purge(Predicate<CacheKey> matching) {
    return Future.failedFuture(
        new UnsupportedOperationException(
            "purge is not supported by " + getClass().getSimpleName()));
  }

  /**
   * Registers what to call with each key this tier drops to stay within its budget (not on
   * invalidations, purges or replacements): the object is no longer served from here, e.g. so the
   * cluster's directory stops listing this edge for it. One listener; may be called on any thread.
   */
  default void onEviction(Consumer<CacheKey> listener) {}

  /** Current counters of this tier. */
  CacheStats stats();

  /** Frees the tier's resources. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
