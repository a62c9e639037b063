package io.opencdn.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Range parsing of RFC 9110 section 14 against a 100-byte representation. */
class RangesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=0-9 | 0-9",
        "bytes=90- | 90-99",
        "bytes=-10 | 90-99",
        "bytes=-500 | 0-99",
        "bytes=95-200 | 95-99",
        "bytes=0-0, 99-99 | 0-0 99-99",
        "BYTES=1-2 | 1-2",
        "bytes=100-200 | unsatisfiable",
        "bytes=100-, 200-300 | unsatisfiable",
        "bytes=-0 | unsatisfiable",
        "bytes=5-1 | ignored",
        "bytes=a-b | ignored",
        "items=0-1 | ignored",
        "bytes=- | ignored",
        "bytes=1 | ignored",
        "bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,30-31,32-33 | ignored",
        // overlapping or touching ranges are coalesced, in ascending order (RFC 9110 14.6)
        "bytes=0-9,5-19 | 0-19",
        "bytes=10-19,0-9 | 0-19",
        "bytes=50-59,0-9 | 0-9 50-59",
        "bytes=0-49,-50 | 0-99",
        "bytes=0-49,-60 | ignored",
        "bytes=0-0,2-2,1-1 | 0-2",
        // ranges asking for more bytes than the representation has: ignored (nginx does the same)
        "bytes=0-,0- | ignored",
        "bytes=0-99,0-0 | ignored",
        "bytes=-100,-1 | ignored",
        "bytes=0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0-,0- | ignored",
      })
  void parse(String header, String expected) {
    List<Ranges.Range> ranges = Ranges.parse(header, 100);
    String actual =
        ranges == null
            ? "ignored"
            : ranges.isEmpty()
                ? "unsatisfiable"
                : String.join(" ", ranges.stream().map(r -> r.first() + "-" + r.last()).toList());
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void multipartBodyHasOnePartPerRangeAndAKnownLength() {
    Ranges.Multipart parts =
        new Ranges.Multipart(
            List.of(new Ranges.Range(0, 1), new Ranges.Range(8, 9)), 10, "text/plain", "B");
    Buffer body = parts.toBuffer(Buffer.buffer("0123456789"));

    assertThat(body.toString())
        .isEqualTo(
            "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01"
                + "\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n--B--\r\n");
    assertThat(parts.length()).isEqualTo(body.length());
  }

  @Test
  void aHugeRepresentationIsParsedWithoutOverflow() {
    assertThat(Ranges.parse("bytes=0-,0-", Long.MAX_VALUE)).isNull();
    assertThat(Ranges.parse("bytes=0-", Long.MAX_VALUE))
        .containsExactly(new Ranges.Range(0, Long.MAX_VALUE - 1));
  }
}
