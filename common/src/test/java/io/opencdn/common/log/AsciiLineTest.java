package io.opencdn.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bytes as {@link JsonText} writes them, numbers, and growth past the initial buffer. */
class AsciiLineTest {

  @Test
  void jsonEscapingMatchesJsonText() {
    String hostile = "a\"b\\c\nd\re\tf\u0001g\u007fh\u00e9i\u2028j\ud83d\ude00k\"}{\"x\":1";
    AsciiLine line = new AsciiLine().json(hostile);
    assertThat(line.toString()).isEqualTo(JsonText.string(new StringBuilder(), hostile).toString());
    assertThat(new AsciiLine().json(null).toString()).isEqualTo("null");
  }

  @Test
  void numbersAndFixedPoint() {
    AsciiLine line =
        new AsciiLine()
            .num(0)
            .ch(' ')
            .num(-42)
            .ch(' ')
            .num(Long.MAX_VALUE)
            .ch(' ')
            .fixed(1796637600042L, 3)
            .ch(' ')
            .fixed(183, 6)
            .ch(' ')
            .num(Long.MIN_VALUE);
    assertThat(line.toString())
        .isEqualTo("0 -42 9223372036854775807 1796637600.042 0.000183 -9223372036854775808");
  }

  @Test
  void growsForLongLines() {
    String big = "\u0001".repeat(5000);
    AsciiLine line = new AsciiLine().raw("x".repeat(3000)).json(big);
    assertThat(line.length()).isEqualTo(3000 + 2 + 6 * 5000);
    assertThat(line.toString()).endsWith("\\u0001\"");
  }
}
