package io.opencdn.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.ClusterConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Config records print without their secrets. */
class RedactedTest {

  @Test
  void theClusterSecretIsNeverPrinted() {
    ClusterConfig c =
        new ClusterConfig(
            "demo",
            "very-secret-value-0123",
            new Endpoint("127.0.0.1", 5701),
            List.of("127.0.0.1:5701"),
            null,
            null);

    assertThat(c.toString())
        .doesNotContain("very-secret-value-0123")
        .isEqualTo(
            "ClusterConfig[name=demo, secret=(22 characters), bind="
                + c.bind()
                + ", members=[127.0.0.1:5701], "
                + "heartbeatMillis=1000, failureTimeoutMillis=5000, directoryMaxEntries=200000]");
  }

  record Sample(String name, String token) {}

  @Test
  void anEmptySecretIsShownAsNone() {
    assertThat(Redacted.text(new Sample("x", ""), java.util.Set.of("token")))
        .isEqualTo("Sample[name=x, token=(none)]");
    assertThat(Redacted.text(new Sample("x", null), java.util.Set.of("token")))
        .isEqualTo("Sample[name=x, token=(none)]");
  }
}
