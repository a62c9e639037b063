package io.opencdn.dns.geo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DoorkeeperTest {

  @Test
  void admitsAKeyOnItsSecondSightingOnly() {
    Doorkeeper d = new Doorkeeper(1024);
    assertThat(d.admit(0)).isFalse();
    assertThat(d.admit(0)).isTrue();
    assertThat(d.admit(42)).isFalse();
    assertThat(d.admit(42)).isTrue();
    assertThat(d.admit(42)).isTrue();
  }

  @Test
  void aScanOfOneOffKeysIsAlmostNeverAdmitted() {
    Doorkeeper d = new Doorkeeper(1 << 12);
    int admitted = 0;
    for (long k = 1; k <= 100_000; k++) {
      admitted += d.admit(k) ? 1 : 0;
    }
    assertThat(admitted).isZero();
    // a key seen again right away is admitted even after the scan
    d.admit(7_000_000);
    assertThat(d.admit(7_000_000)).isTrue();
  }

  @Test
  void keysSharingASlotAreStillAdmittedWhenAskedInTurn() {
    // as many keys as slots, asked over and over in the same order: with one slot per key, pairs
    // of keys sharing a slot overwrote each other forever (about a third never got in)
    Doorkeeper d = new Doorkeeper(1 << 12);
    java.util.Set<Long> admitted = new java.util.HashSet<>();
    for (int pass = 0; pass < 10; pass++) {
      for (long k = 0; k < (1 << 12); k++) {
        if (d.admit(k * 7919 + 13)) {
          admitted.add(k);
        }
      }
    }
    org.assertj.core.api.Assertions.assertThat(admitted.size()).isGreaterThan((1 << 12) * 99 / 100);
  }
}
