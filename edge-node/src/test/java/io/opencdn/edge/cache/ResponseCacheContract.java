package io.opencdn.edge.cache;

import static io.opencdn.edge.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.TestClock;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Behaviour every cache tier shares; a tier's test class extends this and supplies the tier. */
abstract class ResponseCacheContract {

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** A tier with the given byte budget reading time from {@code clock}. */
  abstract ResponseCache newCache(long budgetBytes, Clock clock);

  CachedResponse response(int bodyBytes, long maxAge) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cache-Control", "max-age=" + maxAge);
    return CachedResponse.of(200, headers, Buffer.buffer("x".repeat(bodyBytes)), MultiMap.caseInsensitiveMultiMap(),
        clock.millis(), clock.millis(), maxAge);
  }

  @Test
  void storesAndReturnsResponses() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey key = new CacheKey("WWW.cdn.test", "/a?b=1");
    CachedResponse r = response(100, 60);

    await(cache.put(key, r));

    assertThat(await(cache.get(new CacheKey("www.cdn.test", "/a?b=1")))).isEqualTo(r);
    assertThat(await(cache.get(new CacheKey("www.cdn.test", "/a?b=2")))).isNull();
    assertThat(cache.stats().entries()).isEqualTo(1);
  }

  @Test
  void invalidateRemoves() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey key = new CacheKey("h", "/a");
    await(cache.put(key, response(10, 60)));

    await(cache.invalidate(key));

    assertThat(await(cache.get(key))).isNull();
  }

  @Test
  void weightedSizeStaysWithinTheBudget() {
    long budget = 64_000;
    ResponseCache cache = newCache(budget, clock);

    for (int i = 0; i < 50; i++) {
      await(cache.put(new CacheKey("h", "/" + i), response(5_000, 60)));
      assertThat(cache.stats().bytes()).isLessThanOrEqualTo(budget);
    }

    CacheStats stats = cache.stats();
    assertThat(stats.entries()).isBetween(1L, 12L);
    assertThat(stats.evictions()).isPositive();
    assertThat(stats.budgetBytes()).isEqualTo(budget);
  }

  @Test
  void entriesDisappearOnceStale() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey key = new CacheKey("h", "/stale");
    await(cache.put(key, response(10, 30)));

    clock.advance(Duration.ofSeconds(29));
    assertThat(await(cache.get(key))).isNotNull();
    clock.advance(Duration.ofSeconds(2));

    CachedResponse r = await(cache.get(key));
    assertThat(r == null || !r.isFresh(clock.millis())).isTrue();
  }

  @Test
  void purgeRemovesEveryMatchingKey() {
    ResponseCache cache = newCache(1 << 20, clock);
    await(cache.put(new CacheKey("a", "/x/1"), response(10, 60)));
    await(cache.put(new CacheKey("a", "/x/2"), response(10, 60)));
    await(cache.put(new CacheKey("b", "/x/1"), response(10, 60)));

    long removed = await(cache.purge(k -> k.host().equals("a")));

    assertThat(removed).isEqualTo(2);
    assertThat(await(cache.get(new CacheKey("a", "/x/1")))).isNull();
    assertThat(await(cache.get(new CacheKey("b", "/x/1")))).isNotNull();
  }
}
