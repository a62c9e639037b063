package io.opencdn.origin.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticSpecTest {

  @Test
  void defaults() {
    SyntheticSpec s = SyntheticSpec.parse(MultiMap.caseInsensitiveMultiMap());
    assertThat(s)
        .isEqualTo(
            new SyntheticSpec(
                1024,
                "max-age=60",
                0,
                200,
                null,
                SyntheticSpec.DEFAULT_LAST_MODIFIED,
                false,
                -1,
                true,
                "application/octet-stream",
                null));
  }

  @Test
  void allParameters() {
    MultiMap p =
        MultiMap.caseInsensitiveMultiMap()
            .add("size", "5000")
            .add("cc", "no-cache")
            .add("delay", "25")
            .add("status", "404")
            .add("vary", "Accept-Encoding")
            .add("lm", "1")
            .add("chunked", "1")
            .add("truncate", "4999")
            .add("etag", "0")
            .add("type", "text/plain; charset=utf-8")
            .add("sk", "product-7 catalogue")
            .add("ignored", "x");
    assertThat(SyntheticSpec.parse(p))
        .isEqualTo(
            new SyntheticSpec(
                5000,
                "no-cache",
                25,
                404,
                "Accept-Encoding",
                1,
                true,
                4999,
                false,
                "text/plain; charset=utf-8",
                "product-7 catalogue"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "size     | x           | parameter 'size': expected a byte count 0..1073741824 (1 GiB), got 'x'",
        "size     | 1073741825  | parameter 'size'",
        "size     | -1          | parameter 'size'",
        "status   | 199         | parameter 'status': expected a status code 200..599, got '199'",
        "status   | 600         | parameter 'status'",
        "status   | ok          | parameter 'status'",
        "delay    | 600001      | parameter 'delay': expected milliseconds 0..600000",
        "lm       | -5          | parameter 'lm'",
        "sk       | 'a  b'      | parameter 'sk': expected space-separated surrogate keys",
        "truncate | 1024        | parameter 'truncate': expected a byte count smaller than size (1024)",
        "chunked  | 2           | parameter 'chunked': expected 1 or 0",
        "etag     | maybe       | parameter 'etag'",
        "vary     | a b         | parameter 'vary'",
        "type     | nonsense    | parameter 'type'",
      })
  void rejects(String name, String value, String message) {
    assertThatThrownBy(
            () -> SyntheticSpec.parse(MultiMap.caseInsensitiveMultiMap().add(name, value)))
        .isInstanceOf(SyntheticSpec.BadParameterException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void rejectsControlCharactersInCacheControl() {
    assertThatThrownBy(
            () ->
                SyntheticSpec.parse(
                    MultiMap.caseInsensitiveMultiMap().add("cc", "max-age=1\r\nX-Evil: 1")))
        .hasMessageStartingWith("parameter 'cc'");
  }

  @Test
  void truncateNeedsABody() {
    assertThatThrownBy(
            () ->
                SyntheticSpec.parse(
                    MultiMap.caseInsensitiveMultiMap().add("size", "0").add("truncate", "0")))
        .hasMessageStartingWith("parameter 'truncate'");
  }
}
