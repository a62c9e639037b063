package io.opencdn.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CachedResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Preconditions of RFC 9110 section 13 evaluated against a stored response. */
class ConditionalsTest {

  static final String LM = "Wed, 31 Dec 2025 00:00:00 GMT";

  static CachedResponse stored(int status, String etag) {
    MultiMap h =
        MultiMap.caseInsensitiveMultiMap()
            .add("Last-Modified", LM)
            .add("Date", "Thu, 01 Jan 2026 00:00:00 GMT");
    if (etag != null) {
      h.add("ETag", etag);
    }
    return CachedResponse.of(
        status, h, Buffer.buffer("x"), MultiMap.caseInsensitiveMultiMap(), 0, 0, 60);
  }

  static MultiMap request(String name, String value) {
    return MultiMap.caseInsensitiveMultiMap().add(name, value);
  }

  @ParameterizedTest(name = "{0}: {1} vs {2} ({3}) -> {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "If-None-Match | \"a\" | \"a\" | 200 | true",
        "If-None-Match | W/\"a\" | \"a\" | 200 | true",
        "If-None-Match | \"a\" | W/\"a\" | 200 | true",
        "If-None-Match | \"b\", \"a\" | \"a\" | 200 | true",
        "If-None-Match | \"b\" | \"a\" | 200 | false",
        "If-None-Match | * | \"a\" | 200 | true",
        "If-None-Match | \"a\" | - | 200 | false",
        "If-None-Match | \"a\" | \"a\" | 404 | false",
        "If-Modified-Since | Wed, 31 Dec 2025 00:00:00 GMT | \"a\" | 200 | true",
        "If-Modified-Since | Thu, 01 Jan 2026 00:00:00 GMT | \"a\" | 200 | true",
        "If-Modified-Since | Tue, 30 Dec 2025 00:00:00 GMT | \"a\" | 200 | false",
        "If-Modified-Since | garbage | \"a\" | 200 | false",
      })
  void notModified(String field, String value, String etag, int status, boolean expected) {
    assertThat(Conditionals.notModified(request(field, value), stored(status, etag)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "If-Range {0} vs {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "\"a\" | \"a\" | true",
        "\"b\" | \"a\" | false",
        "W/\"a\" | W/\"a\" | false",
        "\"a\" | W/\"a\" | false",
        "Wed, 31 Dec 2025 00:00:00 GMT | \"a\" | true",
        "Wed, 31 Dec 2025 00:00:01 GMT | \"a\" | false",
      })
  void ifRange(String value, String etag, boolean expected) {
    assertThat(Conditionals.ifRangeHolds(request("If-Range", value), stored(200, etag)))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1} vs {2} ({3}) -> 412 {4}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "If-Match | \"a\" | \"a\" | 200 | false",
        "If-Match | \"b\", \"a\" | \"a\" | 200 | false",
        "If-Match | \"b\" | \"a\" | 200 | true",
        "If-Match | W/\"a\" | \"a\" | 200 | true",
        "If-Match | \"a\" | W/\"a\" | 200 | true",
        "If-Match | * | \"a\" | 200 | false",
        "If-Match | * | - | 200 | false",
        "If-Match | \"a\" | - | 200 | true",
        "If-Match | \"b\" | \"a\" | 404 | false",
        "If-Unmodified-Since | Wed, 31 Dec 2025 00:00:00 GMT | \"a\" | 200 | false",
        "If-Unmodified-Since | Thu, 01 Jan 2026 00:00:00 GMT | \"a\" | 200 | false",
        "If-Unmodified-Since | Tue, 30 Dec 2025 00:00:00 GMT | \"a\" | 200 | true",
        "If-Unmodified-Since | garbage | \"a\" | 200 | false",
        "If-Unmodified-Since | Tue, 30 Dec 2025 00:00:00 GMT | \"a\" | 410 | false",
      })
  void preconditionFailed(String field, String value, String etag, int status, boolean expected) {
    assertThat(Conditionals.preconditionFailed(request(field, value), stored(status, etag)))
        .isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void ifMatchTakesPrecedenceOverIfUnmodifiedSince() {
    MultiMap matching =
        request("If-Match", "\"a\"").add("If-Unmodified-Since", "Tue, 30 Dec 2025 00:00:00 GMT");
    MultiMap failing =
        request("If-Match", "\"b\"").add("If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT");

    assertThat(Conditionals.preconditionFailed(matching, stored(200, "\"a\""))).isFalse();
    assertThat(Conditionals.preconditionFailed(failing, stored(200, "\"a\""))).isTrue();
  }

  @org.junit.jupiter.api.Test
  void ifUnmodifiedSinceWithoutAStoredLastModifiedIsIgnored() {
    CachedResponse noDate =
        CachedResponse.of(
            200,
            MultiMap.caseInsensitiveMultiMap().add("ETag", "\"a\""),
            Buffer.buffer("x"),
            MultiMap.caseInsensitiveMultiMap(),
            0,
            0,
            60);

    assertThat(
            Conditionals.preconditionFailed(
                request("If-Unmodified-Since", "Tue, 30 Dec 2025 00:00:00 GMT"), noDate))
        .isFalse();
  }
}
