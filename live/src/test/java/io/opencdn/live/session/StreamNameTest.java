package io.opencdn.live.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamNameTest {

  @Test
  void nameAndKeyAreSplitAndInvalidNamesRefused() {
    assertThat(StreamName.parse("demo")).isEqualTo(new StreamName("demo", null));
    assertThat(StreamName.parse("demo?key=k1&x=y")).isEqualTo(new StreamName("demo", "k1"));
    assertThat(StreamName.parse("demo?x=y")).isEqualTo(new StreamName("demo", null));
    assertThat(StreamName.parse(null)).isNull();
    assertThat(StreamName.parse("../etc?key=k")).isNull();
    assertThat(StreamName.parse("")).isNull();
  }
}
