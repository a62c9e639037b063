package io.opencdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Normal form of request targets (RFC 3986 6.2.2, 5.2.4). */
class TargetsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/b | /b",
        "/a/../b | /b",
        "/%62 | /b",
        "/%7e%7E | /~~",
        "/a%2fb | /a%2Fb",
        "/a%2Fb | /a%2Fb",
        "/a/./b/ | /a/b/",
        "/../a | /a",
        "/a/b/.. | /a/",
        "/a/.. | /",
        "/. | /",
        "/a//../b | /a/b",
        "/%2E%2E/x | /x",
        "/a/%2e/b | /a/b",
        "/.well-known/x | /.well-known/x",
        "/a..b/c. | /a..b/c.",
        "/x?y=/../z | /x?y=/../z",
        "/x?q=%41%2f | /x?q=A%2F",
        "/a/../b?c=%7e | /b?c=~",
        "/a b | /a%20b",
        "/x\"y | /x%22y",
        "/{a}^b | /%7Ba%7D%5Eb",
        "/\u00e9 | /%E9",
        "/? | /?",
        "/x?a?b | /x?a?b",
      })
  void normalForm(String target, String expected) {
    assertThat(Targets.normalize(target)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "x", "*", "/a%zz", "/a%4", "/a%", "/a\u0001b", "/a\u007f", "/a#f", "/a\rb"})
  void invalid(String target) {
    assertThat(Targets.normalize(target)).isNull();
  }

  @Test
  void aTargetInNormalFormIsReturnedAsIs() {
    String t = "/gen/object-17.bin?cc=max-age=3600&size=1024";
    assertThat(Targets.normalize(t)).isSameAs(t);
  }
}
