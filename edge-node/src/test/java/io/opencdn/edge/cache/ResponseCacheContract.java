package io.opencdn.edge.cache;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.TestClock;
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
    return CachedResponse.of(
        200,
        headers,
        Buffer.buffer("x".repeat(bodyBytes)),
        MultiMap.caseInsensitiveMultiMap(),
        clock.millis(),
        clock.millis(),
        maxAge);
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
  void evictionsForSpaceAreReportedAndInvalidationsAreNot() {
    ResponseCache cache = newCache(64_000, clock);
    java.util.Set<CacheKey> evicted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    cache.onEviction(evicted::add);
    for (int i = 0; i < 50; i++) {
      await(cache.put(new CacheKey("h", "/" + i), response(5_000, 60)));
    }
    io.opencdn.testing.Await.until(java.time.Duration.ofSeconds(5), () -> !evicted.isEmpty());
    assertThat(evicted).allSatisfy(k -> assertThat(await(cache.get(k))).isNull());
    CacheKey kept =
        java.util.stream.IntStream.range(0, 50)
            .mapToObj(i -> new CacheKey("h", "/" + i))
            .filter(k -> !evicted.contains(k) && await(cache.get(k)) != null)
            .findFirst()
            .orElseThrow();
    await(cache.invalidate(kept));
    assertThat(evicted).doesNotContain(kept);
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

  // --- Vary variants (Variants on top of the tier) ---

  static MultiMap lang(String l) {
    return MultiMap.caseInsensitiveMultiMap().add("Accept-Language", l);
  }

  CachedResponse variant(String lang, long maxAge) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("Cache-Control", "max-age=" + maxAge)
            .add("Vary", "Accept-Language");
    return CachedResponse.of(
        200,
        headers,
        Buffer.buffer("lang=" + lang),
        lang(lang),
        clock.millis(),
        clock.millis(),
        maxAge);
  }

  String body(ResponseCache cache, CacheKey primary, String l) {
    CachedResponse r = await(Variants.lookup(cache, primary, lang(l))).response();
    return r == null ? null : r.body().toString();
  }

  @Test
  void variantsOfOneUrlAreKeptSideBySide() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");

    CacheKey en = await(Variants.store(cache, p, lang("en"), variant("en", 60)));
    CacheKey fr = await(Variants.store(cache, p, lang("fr"), variant("fr", 60)));

    assertThat(en.isVariant()).isTrue();
    assertThat(en.primary()).isEqualTo(p);
    assertThat(en).isNotEqualTo(fr);
    assertThat(body(cache, p, "en")).isEqualTo("lang=en");
    assertThat(body(cache, p, "fr")).isEqualTo("lang=fr");
    Variants.Lookup de = await(Variants.lookup(cache, p, lang("de")));
    assertThat(de.response()).isNull();
    assertThat(de.key()).isEqualTo(p.withVariant("accept-language=de"));
    CachedResponse index = await(cache.get(p));
    assertThat(index.isVariantIndex()).isTrue();
    assertThat(Variants.indexVariants(index))
        .containsExactly("accept-language=en", "accept-language=fr");
    assertThat(cache.stats().entries()).isEqualTo(3);
  }

  @Test
  void invalidatingTheUrlRemovesEveryVariant() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");
    CacheKey en = await(Variants.store(cache, p, lang("en"), variant("en", 60)));
    await(Variants.store(cache, p, lang("fr"), variant("fr", 60)));

    await(cache.invalidate(en));
    assertThat(body(cache, p, "en")).isNull();
    assertThat(body(cache, p, "fr")).isEqualTo("lang=fr");

    await(cache.invalidate(p));
    assertThat(body(cache, p, "fr")).isNull();
    assertThat(await(cache.get(p.withVariant("accept-language=fr")))).isNull();
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void aPurgeOfThePathRemovesEveryVariant() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");
    await(Variants.store(cache, p, lang("en"), variant("en", 60)));
    await(Variants.store(cache, p, lang("fr"), variant("fr", 60)));
    await(cache.put(new CacheKey("h", "/other"), response(10, 60)));

    long removed = await(cache.purge(k -> k.target().equals("/v")));

    assertThat(removed).isEqualTo(3);
    assertThat(body(cache, p, "en")).isNull();
    assertThat(body(cache, p, "fr")).isNull();
    assertThat(await(cache.get(new CacheKey("h", "/other")))).isNotNull();
  }

  @Test
  void atMostMaxVariantsAreKeptPerUrlTheOldestGoesFirst() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");

    for (int i = 0; i < Variants.MAX_VARIANTS + 4; i++) {
      await(Variants.store(cache, p, lang("l" + i), variant("l" + i, 60)));
    }

    for (int i = 0; i < 4; i++) {
      assertThat(body(cache, p, "l" + i)).as("l" + i).isNull();
    }
    for (int i = 4; i < Variants.MAX_VARIANTS + 4; i++) {
      assertThat(body(cache, p, "l" + i)).isEqualTo("lang=l" + i);
    }
    assertThat(Variants.indexVariants(await(cache.get(p)))).hasSize(Variants.MAX_VARIANTS);
    assertThat(cache.stats().entries()).isEqualTo(Variants.MAX_VARIANTS + 1);
  }

  @Test
  void aResponseWithoutVaryReplacesTheVariants() {
    ResponseCache cache = newCache(1 << 20, clock);
    CacheKey p = new CacheKey("h", "/v");
    CacheKey en = await(Variants.store(cache, p, lang("en"), variant("en", 60)));
    await(Variants.store(cache, p, lang("fr"), variant("fr", 60)));

    CacheKey plain = await(Variants.store(cache, p, lang("en"), response(7, 60)));

    assertThat(plain).isEqualTo(p);
    assertThat(body(cache, p, "fr")).isEqualTo("x".repeat(7));
    assertThat(await(cache.get(en))).isNull();
    assertThat(cache.stats().entries()).isEqualTo(1);
  }
}
