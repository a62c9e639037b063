package io.opencdn.origin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestCounterTest {

  @Test
  void countsPerPathAndTotalAndResets() {
    RequestCounter c = new RequestCounter();
    c.record("/b");
    c.record("/a");
    c.record("/b");
    assertThat(c.count("/b")).isEqualTo(2);
    assertThat(c.count("/a")).isEqualTo(1);
    assertThat(c.count("/none")).isZero();
    assertThat(c.total()).isEqualTo(3);
    assertThat(c.snapshot())
        .containsExactly(java.util.Map.entry("/a", 1L), java.util.Map.entry("/b", 2L));
    c.reset();
    assertThat(c.total()).isZero();
    assertThat(c.snapshot()).isEmpty();
  }

  @Test
  void distinctPathsAreCapped() {
    RequestCounter c = new RequestCounter();
    for (int i = 0; i < RequestCounter.MAX_PATHS + 10; i++) {
      c.record("/p" + i);
    }
    c.record("/p0");
    assertThat(c.total()).isEqualTo(RequestCounter.MAX_PATHS + 11);
    assertThat(c.count("/p0")).isEqualTo(2);
    assertThat(c.count(RequestCounter.OVERFLOW)).isEqualTo(10);
    assertThat(c.snapshot()).hasSize(RequestCounter.MAX_PATHS + 1);
  }
}
