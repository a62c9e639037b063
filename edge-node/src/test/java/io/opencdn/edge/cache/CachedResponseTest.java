package io.opencdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The current_age calculation of RFC 9111 section 4.2.3. */
class CachedResponseTest {

  static final long T0 = HttpDates.parse("Thu, 01 Jan 2026 00:00:00 GMT");

  @ParameterizedTest(name = "Date {0}, Age {1}, sent -{2}ms, now +{3}s -> {4}")
  @CsvSource(
      nullValues = "-",
      value = {
        // date offset s | Age | request sent ms before response | seconds resident | expected age
        "-,   -,  0,   0, 0",
        "-,   -,  0,  42, 42",
        "-,  10,  0,   5, 15",
        "-,  10, 3000, 0, 13",
        "-20, -,  0,   0, 20",
        "-20, 5,  0,   1, 21",
        "-5, 30,  0,   0, 30",
        "+60, -,  0,   0, 0",
      })
  void currentAge(String dateOffset, String age, long delayMillis, long resident, long expected) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (dateOffset != null) {
      h.add("Date", HttpDates.format(T0 + Long.parseLong(dateOffset.trim()) * 1000));
    }
    if (age != null) {
      h.add("Age", age.trim());
    }
    CachedResponse r =
        CachedResponse.of(
            200,
            h,
            Buffer.buffer("b"),
            MultiMap.caseInsensitiveMultiMap(),
            T0 - delayMillis,
            T0,
            3600);

    assertThat(r.currentAgeSeconds(T0 + resident * 1000)).isEqualTo(expected);
  }

  @Test
  void freshWhileLifetimeExceedsAge() {
    CachedResponse r =
        CachedResponse.of(
            200,
            MultiMap.caseInsensitiveMultiMap(),
            Buffer.buffer(),
            MultiMap.caseInsensitiveMultiMap(),
            T0,
            T0,
            60);

    assertThat(r.isFresh(T0 + 59_999)).isTrue();
    assertThat(r.isFresh(T0 + 60_000)).isFalse();
  }

  @Test
  void varyCompareRequestHeaders() {
    MultiMap res =
        MultiMap.caseInsensitiveMultiMap().add("Vary", "Accept-Encoding, accept-language");
    MultiMap req = MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "gzip");
    CachedResponse r = CachedResponse.of(200, res, Buffer.buffer(), req, T0, T0, 60);

    assertThat(r.matchesVary(MultiMap.caseInsensitiveMultiMap().add("accept-encoding", "gzip")))
        .isTrue();
    assertThat(r.matchesVary(MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "br")))
        .isFalse();
    assertThat(
            r.matchesVary(
                MultiMap.caseInsensitiveMultiMap()
                    .add("Accept-Encoding", "gzip")
                    .add("Accept-Language", "de")))
        .isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "gzip, deflate, br | br",
        "deflate, gzip;q=1.0 | gzip",
        "GZIP | gzip",
        "br;q=0, gzip | gzip",
        "br;q=0.0 | ''",
        "identity | ''",
        "- | ''",
      })
  void acceptEncodingIsNormalisedToOneCoding(String header, String expected) {
    assertThat(Variants.normalizeAcceptEncoding(header)).isEqualTo(expected);
  }

  @Test
  void a304ReplacesStoredFieldsButNotTheFraming() {
    MultiMap stored =
        MultiMap.caseInsensitiveMultiMap()
            .add("ETag", "\"1\"")
            .add("Cache-Control", "max-age=1")
            .add("Content-Length", "1")
            .add("X-Keep", "k");
    CachedResponse r =
        CachedResponse.of(
            200, stored, Buffer.buffer("b"), MultiMap.caseInsensitiveMultiMap(), T0, T0, 1);

    MultiMap merged =
        r.headersUpdatedBy(
            MultiMap.caseInsensitiveMultiMap()
                .add("Cache-Control", "max-age=60")
                .add("Content-Length", "0")
                .add("X-New", "n"));

    assertThat(merged.get("Cache-Control")).isEqualTo("max-age=60");
    assertThat(merged.get("Content-Length")).isEqualTo("1");
    assertThat(merged.get("X-Keep")).isEqualTo("k");
    assertThat(merged.get("X-New")).isEqualTo("n");
  }

  @ParameterizedTest(name = "{0} -> mustRevalidate {1}, swr {2}, sie {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "max-age=10 | false | 7 | 9",
        "max-age=10, must-revalidate | true | 7 | 9",
        "max-age=10, proxy-revalidate | true | 7 | 9",
        "no-cache | true | 7 | 9",
        "s-maxage=10 | true | 7 | 9",
        "s-maxage=10, stale-if-error=30 | false | 7 | 30",
        "max-age=10, stale-while-revalidate=5 | false | 5 | 9",
      })
  void staleServingRules(String cacheControl, boolean mustRevalidate, long swr, long sie) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("Cache-Control", cacheControl);
    CachedResponse r =
        CachedResponse.of(200, h, Buffer.buffer(), MultiMap.caseInsensitiveMultiMap(), T0, T0, 10);

    assertThat(r.mustRevalidate()).isEqualTo(mustRevalidate);
    assertThat(r.staleWhileRevalidateSeconds(7)).isEqualTo(swr);
    assertThat(r.staleIfErrorSeconds(9)).isEqualTo(sie);
    assertThat(r.stalenessSeconds(T0 + 25_000)).isEqualTo(15);
  }
}
