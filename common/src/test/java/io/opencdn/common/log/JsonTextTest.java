package io.opencdn.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Hostile strings stay one JSON string on one ASCII line, and read back as they were. */
class JsonTextTest {

  @Test
  void escapesQuotesBackslashesControlsAndNonAscii() {
    String hostile = "a\"b\\c\nd\re\tf\u0001g\u007fh\u00e9i\u2028j\ud83d\ude00k\"}{\"x\":1";
    StringBuilder b = new StringBuilder("{");
    JsonText.name(b, "f");
    JsonText.string(b, hostile);
    JsonText.name(b, "n");
    JsonText.string(b, null);
    String line = b.append('}').toString();

    assertThat(line)
        .isEqualTo(
            "{\"f\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007fh\\u00e9i\\u2028j\\ud83d\\ude00k\\\"}{\\\"x\\\":1\",\"n\":null}");
    assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    JsonObject read = new JsonObject(line);
    assertThat(read.getString("f")).isEqualTo(hostile);
    assertThat(read.fieldNames()).containsExactly("f", "n");
  }
}
