package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextDiffTest {

  @Test
  void showsAddedAndRemovedLines() {
    assertThat(TextDiff.diff("a\nb\nc\n", "a\nb\nc\n")).isEmpty();
    assertThat(TextDiff.diff("a\nb\nc", "a\nB\nc\nd"))
        .isEqualTo("@@ line 2 -> 2\n+B\n-b\n@@ line 4 -> 4\n+d\n");
  }
}
