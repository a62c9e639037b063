package io.opencdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The current_age calculation of RFC 9111 section 4.2.3. */
class CachedResponseTest {

  static final long T0 = HttpDates.parse("Thu, 01 Jan 2026 00:00:00 GMT");

  @ParameterizedTest(name = "Date {0}, Age {1}, sent -{2}ms, now +{3}s -> {4}")
  @CsvSource(nullValues = "-", value = {
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
    CachedResponse r = CachedResponse.of(200, h, Buffer.buffer("b"), MultiMap.caseInsensitiveMultiMap(),
        T0 - delayMillis, T0, 3600);

    assertThat(r.currentAgeSeconds(T0 + resident * 1000)).isEqualTo(expected);
  }

  @Test
  void freshWhileLifetimeExceedsAge() {
    CachedResponse r = CachedResponse.of(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(), MultiMap.caseInsensitiveMultiMap(),
        T0, T0, 60);

    assertThat(r.isFresh(T0 + 59_999)).isTrue();
    assertThat(r.isFresh(T0 + 60_000)).isFalse();
  }

  @Test
  void varyCompareRequestHeaders() {
    MultiMap res = MultiMap.caseInsensitiveMultiMap().add("Vary", "Accept-Encoding, accept-language");
    MultiMap req = MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "gzip");
    CachedResponse r = CachedResponse.of(200, res, Buffer.buffer(), req, T0, T0, 60);

    assertThat(r.matchesVary(MultiMap.caseInsensitiveMultiMap().add("accept-encoding", "gzip"))).isTrue();
    assertThat(r.matchesVary(MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "br"))).isFalse();
    assertThat(r.matchesVary(MultiMap.caseInsensitiveMultiMap().add("Accept-Encoding", "gzip").add("Accept-Language", "de")))
        .isFalse();
  }
}
