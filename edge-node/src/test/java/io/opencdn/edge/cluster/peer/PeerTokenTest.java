package io.opencdn.edge.cluster.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The peer token is derived from the cluster secret and never is the secret itself. */
class PeerTokenTest {

  @Test
  void sameSecretSameTokenOtherSecretRefused() {
    PeerToken a = PeerToken.fromSecret("cluster-secret-0123456789");
    assertThat(a.accepts(PeerToken.fromSecret("cluster-secret-0123456789").header())).isTrue();
    assertThat(a.accepts(PeerToken.fromSecret("cluster-secret-0123456780").header())).isFalse();
    assertThat(a.accepts("Bearer cluster-secret-0123456789")).isFalse();
    assertThat(a.accepts(null)).isFalse();
    assertThat(a.header()).startsWith("Bearer ").doesNotContain("cluster-secret");
  }
}
