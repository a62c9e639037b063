package io.opencdn.origin.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unit tests of the decoding; serving, validators and traversal are tested in OriginServerTest. */
class FileValidatorsTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "/a/b.txt          | /a/b.txt",
        "/%2e%2e/x         | /../x",
        "/a%2Fb            | /a/b",
        "/caf%C3%A9+x      | /café+x",
        "/%F0%9F%98%80.txt | /\uD83D\uDE00.txt",
        "/\u00e9%20x       | /\u00e9 x",
        "/bad%2            | NULL",
        "/bad%zz           | NULL",
      })
  void percentDecode(String raw, String decoded) {
    assertThat(FileValidators.percentDecode(raw)).isEqualTo(decoded);
  }
}
