package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code connections:} section of an edge config: defaults, and bad values naming their key.
 */
class ConnectionsConfigTest {

  static final String MINIMAL =
      """
      id: eu-west
      latitude: 50.11
      longitude: 8.68
      listen: 127.0.0.12:8080
      distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9090"}]
      """;

  @Test
  void defaults() {
    ConnectionsConfig c = ConfigLoader.parse(MINIMAL, "edge.yaml", EdgeConfig.class).connections();

    assertThat(c).isEqualTo(new ConnectionsConfig(10_000, 256, 10_000, 60_000, 120, 100, 200, 30));
  }

  @Test
  void theSectionIsRead() {
    ConnectionsConfig c =
        ConfigLoader.parse(
                MINIMAL
                    + "connections: {maxConnections: 50, maxConnectionsPerAddress: 5, "
                    + "headerTimeoutMillis: 3000, http2ResetsPerWindow: 20}\n",
                "edge.yaml",
                EdgeConfig.class)
            .connections();

    assertThat(c.maxConnections()).isEqualTo(50);
    assertThat(c.maxConnectionsPerAddress()).isEqualTo(5);
    assertThat(c.headerTimeoutMillis()).isEqualTo(3000);
    assertThat(c.keepAliveTimeoutMillis()).isEqualTo(60_000);
    assertThat(c.http2ResetsPerWindow()).isEqualTo(20);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{maxConnections: 0} | key 'connections.maxConnections'",
        "{maxConnections: 10, maxConnectionsPerAddress: 11} | key 'connections.maxConnectionsPerAddress'",
        "{headerTimeoutMillis: 10} | key 'connections.headerTimeoutMillis'",
        "{keepAliveTimeoutMillis: 0} | key 'connections.keepAliveTimeoutMillis'",
        "{idleTimeoutSeconds: 0} | key 'connections.idleTimeoutSeconds'",
        "{http2MaxConcurrentStreams: 0} | key 'connections.http2MaxConcurrentStreams'",
        "{http2ResetsPerWindow: 0} | key 'connections.http2ResetsPerWindow'",
        "{http2ResetWindowSeconds: 0} | key 'connections.http2ResetWindowSeconds'",
      })
  void badValuesNameTheirKey(String section, String message) {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    MINIMAL + "connections: " + section + "\n", "edge.yaml", EdgeConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
