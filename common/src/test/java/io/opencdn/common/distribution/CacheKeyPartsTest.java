package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyPartsTest {

  private static CachePolicy policy(Selection q, Selection h, Selection c) {
    return new CachePolicy("p", 0, 60, 600, q, h, c);
  }

  static Stream<Arguments> keys() {
    Map<String, String> none = Map.of();
    Map<String, String> hdrs =
        Map.of("origin", "https://a.test", "cookie", "sid=1; theme=dark; utm=x");
    return Stream.of(
        Arguments.of(CachePolicy.CACHING_OPTIMIZED, "/a", "x=1&y=2", none, "/a"),
        Arguments.of(
            CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
            "/a",
            "y=2&x=1",
            none,
            "/a?y=2&x=1"),
        Arguments.of(
            policy(Selection.allow("id"), Selection.NONE, Selection.NONE),
            "/a",
            "utm=1&id=7&id=8",
            none,
            "/a?id=7&id=8"),
        Arguments.of(
            policy(Selection.deny("utm_source", "utm_medium"), Selection.NONE, Selection.NONE),
            "/a",
            "utm_source=x&page=2&utm_medium=y",
            none,
            "/a?page=2"),
        Arguments.of(
            policy(Selection.deny("utm_source"), Selection.NONE, Selection.NONE),
            "/a",
            "utm_source=x",
            none,
            "/a"),
        Arguments.of(
            policy(Selection.NONE, Selection.allow("Origin"), Selection.NONE),
            "/a",
            null,
            hdrs,
            "/a#h:origin=https://a.test"),
        Arguments.of(
            policy(Selection.NONE, Selection.allow("Origin"), Selection.NONE),
            "/a",
            null,
            none,
            "/a"),
        Arguments.of(
            policy(Selection.NONE, Selection.NONE, Selection.allow("theme")),
            "/a",
            null,
            hdrs,
            "/a#c:theme=dark"),
        Arguments.of(
            policy(Selection.NONE, Selection.NONE, Selection.deny("utm")),
            "/a",
            null,
            hdrs,
            "/a#c:sid=1,theme=dark"),
        Arguments.of(
            CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS,
            "/a",
            "q=1",
            hdrs,
            "/a#h:origin=https://a.test;c:sid=1,theme=dark,utm=x"));
  }

  @ParameterizedTest
  @MethodSource("keys")
  void keyHoldsWhatThePolicyNames(
      CachePolicy p, String path, String query, Map<String, String> headers, String key) {
    assertThat(CacheKeyParts.target(p, path, query, n -> headers.get(n.toLowerCase())))
        .isEqualTo(key);
  }

  @org.junit.jupiter.api.Test
  void tenUrlsDifferingInIgnoredParametersShareOneKey() {
    CachePolicy p = policy(Selection.deny("utm_source"), Selection.NONE, Selection.NONE);
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < 10; i++) {
      keys.add(CacheKeyParts.target(p, "/x", "page=1&utm_source=" + i, n -> null));
    }
    assertThat(keys).containsExactly("/x?page=1");
  }

  static Stream<Arguments> originQueries() {
    return Stream.of(
        Arguments.of(Selection.NONE, Selection.NONE, "a=1&b=2", ""),
        Arguments.of(Selection.allow("a"), Selection.NONE, "a=1&b=2", "a=1"),
        Arguments.of(Selection.allow("a"), Selection.allow("b"), "a=1&b=2&c=3", "a=1&b=2"),
        Arguments.of(Selection.NONE, Selection.ALL, "a=1&b=2", "a=1&b=2"));
  }

  @ParameterizedTest
  @MethodSource("originQueries")
  void originGetsTheUnionOfKeyAndRequestPolicy(
      Selection key, Selection forwarded, String query, String expected) {
    assertThat(CacheKeyParts.query(query, key, forwarded)).isEqualTo(expected);
  }
}
