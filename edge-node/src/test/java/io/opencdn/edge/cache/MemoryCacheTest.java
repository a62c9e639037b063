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
    io.opencdn.testing.Await.await(cache.put(key, response(10, 10)));

    clock.advance(java.time.Duration.ofSeconds(40));
    CachedResponse stale = io.opencdn.testing.Await.await(cache.get(key));
    clock.advance(java.time.Duration.ofSeconds(40));

    org.assertj.core.api.Assertions.assertThat(stale).isNotNull();
    org.assertj.core.api.Assertions.assertThat(stale.isFresh(clock.millis())).isFalse();
    org.assertj.core.api.Assertions.assertThat(io.opencdn.testing.Await.await(cache.get(key)))
        .isNull();
  }

  @org.junit.jupiter.api.Test
  void theKeysAndVaryValuesCountAgainstTheBudget() {
    long budget = 1 << 20;
    MemoryCache cache = new MemoryCache(budget, clock);
    String longPath = "/" + "k".repeat(4000);
    for (int i = 0; i < 2000; i++) {
      io.opencdn.testing.Await.await(cache.put(new CacheKey("h", longPath + i), response(1, 60)));
    }
    CacheStats stats = cache.stats();
    org.assertj.core.api.Assertions.assertThat(stats.bytes()).isLessThanOrEqualTo(budget);
    // each key alone is over 8 KB as a cache holds it: a 1 MiB budget keeps fewer than 130 of them
    org.assertj.core.api.Assertions.assertThat(stats.entries()).isLessThan(130);

    io.vertx.core.MultiMap vary =
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Vary", "X-Big");
    io.vertx.core.MultiMap big =
        io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("X-Big", "v".repeat(5000));
    CachedResponse withVary =
        CachedResponse.of(
            200,
            vary,
            io.vertx.core.buffer.Buffer.buffer("x"),
            big,
            clock.millis(),
            clock.millis(),
            60);
    CachedResponse without =
        CachedResponse.of(
            200,
            vary,
            io.vertx.core.buffer.Buffer.buffer("x"),
            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
            clock.millis(),
            clock.millis(),
            60);
    org.assertj.core.api.Assertions.assertThat(withVary.weight() - without.weight())
        .isGreaterThanOrEqualTo(10_000);
  }
}
