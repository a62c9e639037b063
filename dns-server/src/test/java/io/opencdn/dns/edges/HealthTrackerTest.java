package io.opencdn.dns.edges;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthTrackerTest {

  /**
   * Probe results as a string of + and -, then the health after each one (H/D) for fall=2, rise=2.
   */
  @ParameterizedTest
  @CsvSource({
    "+, H",
    "-, H",
    "--, HD",
    "-+-+-, HHHHH",
    "---++, HDDDH",
    "--+-++, HDDDDH",
    "--+++, HDDHH"
  })
  void fallAndRise(String results, String expected) {
    HealthTracker t = new HealthTracker(2, 2);
    StringBuilder seen = new StringBuilder();
    for (char c : results.toCharArray()) {
      t.record("e", c == '+');
      seen.append(t.healthy("e") ? 'H' : 'D');
    }
    assertThat(seen.toString()).isEqualTo(expected);
  }

  @Test
  void reportsChangesAndForgets() {
    HealthTracker t = new HealthTracker(1, 1);
    assertThat(t.healthy("new")).isTrue();
    assertThat(t.record("e", false)).isTrue();
    assertThat(t.record("e", false)).isFalse();
    assertThat(t.record("e", true)).isTrue();
    t.record("e", false);
    t.retain(Set.of());
    assertThat(t.healthy("e")).isTrue();
  }
}
