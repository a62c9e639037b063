package io.opencdn.origin.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticBodyTest {

  @Test
  void sameSeedSameBytesDifferentSeedDifferentBytes() {
    assertThat(SyntheticBody.bytes("/gen/a", 1000)).isEqualTo(SyntheticBody.bytes("/gen/a", 1000));
    assertThat(SyntheticBody.bytes("/gen/a", 1000))
        .isNotEqualTo(SyntheticBody.bytes("/gen/b", 1000));
  }

  @Test
  void anySliceMatchesTheFullBody() {
    byte[] all = SyntheticBody.bytes("/gen/slices", 5000);
    SyntheticBody body = SyntheticBody.of("/gen/slices");
    for (int[] r :
        new int[][] {{0, 1}, {3, 17}, {7, 1}, {8, 8}, {1234, 2000}, {4999, 1}, {0, 5000}}) {
      assertThat(body.bytes(r[0], r[1]))
          .as("offset %d length %d", r[0], r[1])
          .isEqualTo(Arrays.copyOfRange(all, r[0], r[0] + r[1]));
      assertThat(body.buffer(r[0], r[1]).getBytes())
          .isEqualTo(Arrays.copyOfRange(all, r[0], r[0] + r[1]));
    }
  }

  @Test
  void bytesArePrintableAndWellSpread() {
    String text = new String(SyntheticBody.bytes("/gen/text", 64_000), StandardCharsets.US_ASCII);
    assertThat(text).matches("[A-Za-z0-9_-]+");
    assertThat(text.chars().distinct().count()).isEqualTo(64);
    assertThat(text.substring(0, 64)).isNotEqualTo(text.substring(64, 128));
  }

  @Test
  void largeOffsetsWork() {
    SyntheticBody body = SyntheticBody.of("/gen/big");
    long gib = 1L << 30;
    assertThat(body.bytes(gib - 10, 10)).hasSize(10).isEqualTo(body.bytes(gib - 10, 10));
    assertThat(body.bytes(gib - 10, 10)).isNotEqualTo(body.bytes(0, 10));
  }
}
