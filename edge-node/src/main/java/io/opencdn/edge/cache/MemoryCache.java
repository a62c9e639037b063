package io.opencdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The memory tier: a Caffeine cache bounded by a byte weigher ({@link CachedResponse#weight()})
 * so the weighted size stays within {@code budgetBytes}. Entries expire when they turn stale,
 * measured on the injected clock. Maintenance runs on the calling thread, so the budget holds
 * as soon as {@link #put} returns.
 */
public final class MemoryCache implements ResponseCache {

  private final Cache<CacheKey, CachedResponse> cache;
  private final long budgetBytes;
  private final LongAdder evictions = new LongAdder();

  public MemoryCache(long budgetBytes, Clock clock) {
    this.budgetBytes = budgetBytes;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(budgetBytes)
        .weigher((CacheKey k, CachedResponse v) -> v.weight())
        .expireAfter(new StaleExpiry(clock))
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
        .executor(Runnable::run)
        .removalListener((k, v, cause) -> {
          if (cause.wasEvicted()) {
            evictions.increment();
          }
        })
        .build();
  }

  @Override
  public Future<CachedResponse> get(CacheKey key) {
    return Future.succeededFuture(cache.getIfPresent(key));
  }

  @Override
  public Future<Void> put(CacheKey key, CachedResponse response) {
    if (response.weight() <= budgetBytes) {
      cache.put(key, response);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> invalidate(CacheKey key) {
    cache.invalidate(key);
    return Future.succeededFuture();
  }

  @Override
  public CacheStats stats() {
    cache.cleanUp();
    long bytes = cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    return new CacheStats(cache.estimatedSize(), bytes, budgetBytes, evictions.sum());
  }

  @Override
  public Future<Void> close() {
    cache.invalidateAll();
    return Future.succeededFuture();
  }

  private record StaleExpiry(Clock clock) implements Expiry<CacheKey, CachedResponse> {
    @Override
    public long expireAfterCreate(CacheKey key, CachedResponse value, long currentTime) {
      return TimeUnit.MILLISECONDS.toNanos(Math.max(1, value.remainingFreshMillis(clock.millis())));
    }

    @Override
    public long expireAfterUpdate(CacheKey key, CachedResponse value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(CacheKey key, CachedResponse value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
