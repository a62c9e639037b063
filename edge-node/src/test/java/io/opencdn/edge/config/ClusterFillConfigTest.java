package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** Defaults and validation of the {@code clusterFill} section. */
class ClusterFillConfigTest {

  @Test
  void defaults() {
    ClusterFillConfig c = ClusterFillConfig.defaults();
    assertThat(c.scope()).isEqualTo(PeerScope.REGION);
    assertThat(c.peerTimeoutMillis()).isEqualTo(1000);
    assertThat(c.leaseMaxAgeMillis()).isEqualTo(30_000);
    assertThat(c.leaseAttempts()).isEqualTo(3);
    assertThat(new ClusterFillConfig("ANY", null, null, null).scope()).isEqualTo(PeerScope.ANY);
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> new ClusterFillConfig("everywhere", null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peerScope")
        .hasMessageContaining("region, any or off");
    assertThatThrownBy(() -> new ClusterFillConfig(null, 5, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("peerTimeoutMillis");
    assertThatThrownBy(() -> new ClusterFillConfig(null, null, 50, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("leaseMaxAgeMillis");
    assertThatThrownBy(() -> new ClusterFillConfig(null, null, null, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("leaseAttempts");
  }
}
