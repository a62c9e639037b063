package io.opencdn.edge.cache;

import java.time.Clock;

/** The memory tier against the shared {@link ResponseCacheContract}. */
class MemoryCacheTest extends ResponseCacheContract {

  @Override
  ResponseCache newCache(long budgetBytes, Clock clock) {
    return new MemoryCache(budgetBytes, clock);
  }

  @org.junit.jupiter.api.Test
  void staleEntriesAreKeptForTheRetentionThenDropped() {
    MemoryCache cache = new MemoryCache(1 << 20, clock, 60_000);
    CacheKey key = new CacheKey("h", "/s");
    io.opencdn.edge.Await.await(cache.put(key, response(10, 10)));

    clock.advance(java.time.Duration.ofSeconds(40));
    CachedResponse stale = io.opencdn.edge.Await.await(cache.get(key));
    clock.advance(java.time.Duration.ofSeconds(40));

    org.assertj.core.api.Assertions.assertThat(stale).isNotNull();
    org.assertj.core.api.Assertions.assertThat(stale.isFresh(clock.millis())).isFalse();
    org.assertj.core.api.Assertions.assertThat(io.opencdn.edge.Await.await(cache.get(key))).isNull();
  }
}
