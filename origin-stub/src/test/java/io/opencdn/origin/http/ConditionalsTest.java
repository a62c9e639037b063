package io.opencdn.origin.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionalsTest {

  private static final String ETAG = "\"abc\"";
  private static final long LM = 1_700_000_000L;
  private static final String LM_DATE = "Tue, 14 Nov 2023 22:13:20 GMT";

  @ParameterizedTest(name = "{0}: {1} / {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL                 | NULL                          | false",
        "'\"abc\"'            | NULL                          | true",
        "'W/\"abc\"'          | NULL                          | true",
        "'\"x\", \"abc\"'     | NULL                          | true",
        "'*'                  | NULL                          | true",
        "'\"x\"'              | NULL                          | false",
        "'\"x\"'              | Tue, 14 Nov 2023 22:13:20 GMT | false",
        "NULL                 | Tue, 14 Nov 2023 22:13:20 GMT | true",
        "NULL                 | Wed, 15 Nov 2023 00:00:00 GMT | true",
        "NULL                 | Tue, 14 Nov 2023 22:13:19 GMT | false",
        "NULL                 | not a date                    | false",
      })
  void notModified(String ifNoneMatch, String ifModifiedSince, boolean expected) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (ifNoneMatch != null) {
      h.add("If-None-Match", ifNoneMatch);
    }
    if (ifModifiedSince != null) {
      h.add("If-Modified-Since", ifModifiedSince);
    }
    assertThat(Conditionals.notModified(h, ETAG, LM)).isEqualTo(expected);
  }

  @Test
  void noEtagNeverMatchesAnEntityTag() {
    assertThat(
            Conditionals.notModified(
                MultiMap.caseInsensitiveMultiMap().add("If-None-Match", ETAG), null, LM))
        .isFalse();
  }

  @ParameterizedTest(name = "If-Range {0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL                          | true",
        "'\"abc\"'                     | true",
        "'W/\"abc\"'                   | false",
        "'\"old\"'                     | false",
        "Tue, 14 Nov 2023 22:13:20 GMT | true",
        "Tue, 14 Nov 2023 22:13:21 GMT | false",
      })
  void rangeAllowed(String ifRange, boolean expected) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (ifRange != null) {
      h.add("If-Range", ifRange);
    }
    assertThat(Conditionals.rangeAllowed(h, ETAG, LM)).isEqualTo(expected);
  }

  @Test
  void datesRoundTrip() {
    assertThat(Conditionals.httpDate(LM)).isEqualTo(LM_DATE);
    assertThat(Conditionals.parseDate(LM_DATE)).isEqualTo(LM);
    assertThat(Conditionals.parseDate("yesterday")).isNull();
    assertThat(Conditionals.tags("W/\"a\", \"b,c\" ,\"d\""))
        .containsExactly("W/\"a\"", "\"b,c\"", "\"d\"");
  }
}
