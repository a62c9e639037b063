package io.opencdn.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The memory tier: a Caffeine cache bounded by a byte weigher ({@link CachedResponse#weight()}) so
 * the weighted size stays within {@code budgetBytes} (W-TinyLFU admission and eviction). An entry
 * is kept {@code staleRetentionMillis} past its freshness lifetime (for revalidation and stale
 * serving), measured on the injected clock, unless evicted for space earlier. Maintenance runs on
 * the calling thread, so the budget holds as soon as {@link #put} returns. The secondary keys of
 * {@code Vary} variants ({@link Variants}) are tracked per primary key, so {@link #invalidate} of a
 * primary key removes every variant.
 */
public final class MemoryCache implements ResponseCache {

  private final Cache<CacheKey, CachedResponse> cache;
  private final long budgetBytes;
  private final LongAdder evictions = new LongAdder();
  private volatile Consumer<CacheKey> evicted;

  /** Secondary keys stored per primary key, so invalidating a URL removes all its variants. */
  private final ConcurrentMap<CacheKey, Set<CacheKey>> variants = new ConcurrentHashMap<>();

  /** Default time a stale entry is kept for revalidation and stale serving: one day. */
  public static final long DEFAULT_STALE_RETENTION_MILLIS = 86_400_000L;

  /** A tier keeping stale entries for {@link #DEFAULT_STALE_RETENTION_MILLIS}. */
  public MemoryCache(long budgetBytes, Clock clock) {
    this(budgetBytes, clock, DEFAULT_STALE_RETENTION_MILLIS);
  }

  /**
   * A tier of {@code budgetBytes} keeping entries {@code staleRetentionMillis} past their freshness
   * lifetime (0: dropped as soon as they turn stale).
   */
  public MemoryCache(long budgetBytes, Clock clock, long staleRetentionMillis) {
    this.budgetBytes = budgetBytes;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(budgetBytes)
            .weigher(
                (CacheKey k, CachedResponse v) ->
                    (int) Math.min(Integer.MAX_VALUE, (long) k.weight() + v.weight()))
            .expireAfter(new StaleExpiry(clock, staleRetentionMillis))
            .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
            .executor(Runnable::run)
            .removalListener(
                (CacheKey k, CachedResponse v, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    evictions.increment();
                  }
                  Consumer<CacheKey> l = evicted;
                  if (cause == RemovalCause.SIZE && k != null && l != null) {
                    l.accept(k);
                  }
                  if (k != null && k.isVariant() && cause != RemovalCause.REPLACED) {
                    untrack(k);
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
    // a large entry whose body stays in a disk file never enters the memory tier
    if (response.bodyFile() == null && (long) key.weight() + response.weight() <= budgetBytes) {
      if (key.isVariant()) {
        variants.computeIfAbsent(key.primary(), p -> ConcurrentHashMap.newKeySet()).add(key);
      }
      cache.put(key, response);
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> invalidate(CacheKey key) {
    cache.invalidate(key);
    if (!key.isVariant()) {
      Set<CacheKey> vs = variants.remove(key);
      if (vs != null) {
        vs.forEach(cache::invalidate);
      }
    }
    return Future.succeededFuture();
  }

  private void untrack(CacheKey k) {
    if (cache != null && cache.asMap().containsKey(k)) {
      return; // stored again meanwhile
    }
    variants.computeIfPresent(
        k.primary(),
        (p, set) -> {
          set.remove(k);
          return set.isEmpty() ? null : set;
        });
  }

  @Override
  public Future<Long> purge(Predicate<CacheKey> matching) {
    long removed = 0;
    for (CacheKey k : List.copyOf(cache.asMap().keySet())) {
      if (matching.test(k) && cache.asMap().remove(k) != null) {
        removed++;
      }
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public void onEviction(Consumer<CacheKey> listener) {
    this.evicted = listener;
  }

  /** Number of entries evicted for size so far (for metrics). */
  public long evictions() {
    return evictions.sum();
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

  private record StaleExpiry(Clock clock, long retentionMillis)
      implements Expiry<CacheKey, CachedResponse> {
    @Override
    public long expireAfterCreate(CacheKey key, CachedResponse value, long currentTime) {
      long fresh = value.remainingFreshMillis(clock.millis());
      return TimeUnit.MILLISECONDS.toNanos(
          Math.max(1, Math.min(Long.MAX_VALUE / 2_000_000, fresh + retentionMillis)));
    }

    @Override
    public long expireAfterUpdate(
        CacheKey key, CachedResponse value, long currentTime, long currentDuration) {
      return expireAfterCreate(key, value, currentTime);
    }

    @Override
    public long expireAfterRead(
        CacheKey key, CachedResponse value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
