package io.opencdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Request Cache-Control (RFC 9111 5.2.1) against a stored response of lifetime 60 s. */
class RequestDirectivesTest {

  @ParameterizedTest(name = "{0} at age {1} (must-revalidate {2}) -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "- | 30 | false | true",
        "- | 60 | false | false",
        "max-age=20 | 30 | false | false",
        "max-age=40 | 30 | false | true",
        "min-fresh=20 | 30 | false | true",
        "min-fresh=40 | 30 | false | false",
        "no-cache | 1 | false | false",
        "max-stale=10 | 65 | false | true",
        "max-stale=10 | 75 | false | false",
        "max-stale | 9999 | false | true",
        "max-stale | 65 | true | false",
        "only-if-cached | 30 | false | true",
      })
  void accepts(String cacheControl, long age, boolean mustRevalidate, boolean expected) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (cacheControl != null) {
      h.add("Cache-Control", cacheControl);
    }
    assertThat(RequestDirectives.of(h).accepts(age, 60, mustRevalidate)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "Pragma {0} -> no-cache {1}")
  @CsvSource({"no-cache, true", "foo, false"})
  void pragmaNoCacheCountsOnlyWithoutCacheControl(String pragma, boolean expected) {
    assertThat(
            RequestDirectives.of(MultiMap.caseInsensitiveMultiMap().add("Pragma", pragma))
                .noCache())
        .isEqualTo(expected);
    assertThat(
            RequestDirectives.of(
                    MultiMap.caseInsensitiveMultiMap()
                        .add("Pragma", pragma)
                        .add("Cache-Control", "max-age=5"))
                .noCache())
        .isFalse();
  }
}
