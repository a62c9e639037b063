package io.opencdn.origin.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {

  /** header, size -> first-last, IGNORE (serve 200) or 416. */
  @ParameterizedTest(name = "{0} of {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "bytes=0-9       | 100 | 0-9",
        "bytes=10-       | 100 | 10-99",
        "bytes=95-500    | 100 | 95-99",
        "bytes=-10       | 100 | 90-99",
        "bytes=-500      | 100 | 0-99",
        "BYTES=1-1       | 100 | 1-1",
        "bytes= 5 - 6    | 100 | 5-6",
        "bytes=99-99     | 100 | 99-99",
        "bytes=100-      | 100 | 416",
        "bytes=100-200   | 100 | 416",
        "bytes=-0        | 100 | 416",
        "bytes=0-        | 0   | 416",
        "bytes=-5        | 0   | 416",
        "bytes=0-1,3-4   | 100 | IGNORE",
        "bytes=5-1       | 100 | IGNORE",
        "bytes=a-b       | 100 | IGNORE",
        "bytes=-         | 100 | IGNORE",
        "bytes=7         | 100 | IGNORE",
        "items=0-1       | 100 | IGNORE",
        "NULL            | 100 | IGNORE",
      })
  void parses(String header, long size, String expected) {
    ByteRange r = ByteRange.parse(header, size);
    String actual =
        r == null ? "IGNORE" : r == ByteRange.UNSATISFIABLE ? "416" : r.first() + "-" + r.last();
    assertThat(actual).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 9, 100, 10, bytes 0-9/100", "90, 99, 100, 10, bytes 90-99/100"})
  void lengthAndContentRange(long first, long last, long size, long length, String contentRange) {
    ByteRange r = new ByteRange(first, last);
    assertThat(r.length()).isEqualTo(length);
    assertThat(r.contentRange(size)).isEqualTo(contentRange);
  }
}
