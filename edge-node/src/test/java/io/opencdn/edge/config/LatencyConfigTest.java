package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;

class LatencyConfigTest {

  @Test
  void defaultsAreDisabledEveryFiveSecondsTwoHundredTargetsPort53() {
    LatencyConfig c = LatencyConfig.defaults();
    assertThat(c.enabled()).isFalse();
    assertThat(c.intervalMillis()).isEqualTo(5000);
    assertThat(c.maxTargets()).isEqualTo(200);
    assertThat(c.port()).isEqualTo(53);
    assertThat(c.timeoutMillis()).isEqualTo(1000);
    assertThat(c.source()).isNull();
  }

  @Test
  void isTheLatencySectionOfTheEdgeConfig() {
    String yaml =
        """
        id: eu-west
        latitude: 50.11
        longitude: 8.68
        listen: 127.0.0.12:8080
        distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9090"}]
        latency: {enabled: true, intervalMillis: 2000, maxTargets: 50, port: 443, timeoutMillis: 500, sourceAddress: 127.0.0.12}
        cluster: {name: c, secret: 0123456789abcdef, bind: 127.0.0.12:5701}
        """;
    EdgeConfig c = ConfigLoader.parse(yaml, "edge.yaml", EdgeConfig.class);
    assertThat(c.latency()).isEqualTo(new LatencyConfig(true, 2000, 50, 443, 500, "127.0.0.12"));
    assertThat(
            ConfigLoader.parse(yaml.replaceAll("latency:.*\\n", ""), "edge.yaml", EdgeConfig.class)
                .latency())
        .isEqualTo(LatencyConfig.defaults());
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    yaml.replace("port: 443", "port: 0"), "edge.yaml", EdgeConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port");
    // probes publish into the cluster: enabled without one would be accepted and do nothing
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    yaml.replaceAll("cluster:.*\\n", ""), "edge.yaml", EdgeConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("edge.yaml")
        .hasMessageContaining("latency.enabled")
        .hasMessageContaining("without a cluster");
    assertThat(
            ConfigLoader.parse(
                    yaml.replaceAll("cluster:.*\\n", "").replace("enabled: true", "enabled: false"),
                    "edge.yaml",
                    EdgeConfig.class)
                .latency()
                .enabled())
        .isFalse();
  }

  @Test
  void rejectsBadValuesNamingTheKey() {
    assertThatThrownBy(() -> new LatencyConfig(true, 5, null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("intervalMillis");
    assertThatThrownBy(() -> new LatencyConfig(true, null, null, 70000, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> new LatencyConfig(true, null, null, null, null, "edge.example"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sourceAddress");
    assertThat(
            new LatencyConfig(true, null, null, null, null, "10.213.0.2").source().getHostAddress())
        .isEqualTo("10.213.0.2");
  }
}
