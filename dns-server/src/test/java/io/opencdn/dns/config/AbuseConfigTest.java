package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code tcp} and {@code probeTargets} sections: defaults, values read, bad values named. */
class AbuseConfigTest {

  static final String MINIMAL =
      """
      listen: 127.0.0.1:0
      zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
      """;

  static DnsConfig parse(String extra) {
    return ConfigLoader.parse(MINIMAL + extra, "dns.yaml", DnsConfig.class);
  }

  @Test
  void defaults() {
    DnsConfig c = parse("");

    assertThat(c.tcp()).isEqualTo(new TcpConfig(1000, 16, 10, 65_536));
    assertThat(c.probeTargets().allowPrivate()).isFalse();
  }

  @Test
  void sectionsAreRead() {
    DnsConfig c =
        parse(
            "tcp: {maxConnections: 50, maxConnectionsPerClient: 4, idleSeconds: 3, writeQueueBytes: 4096}\n"
                + "probeTargets: {allowPrivate: true}\n");

    assertThat(c.tcp()).isEqualTo(new TcpConfig(50, 4, 3, 4096));
    assertThat(c.probeTargets()).isEqualTo(new ProbeTargetsConfig(true));
    assertThat(c.withThreads(2).tcp()).isEqualTo(c.tcp());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tcp: {maxConnections: 0} | key 'tcp.maxConnections'",
        "tcp: {maxConnections: 10, maxConnectionsPerClient: 11} | key 'tcp.maxConnectionsPerClient'",
        "tcp: {idleSeconds: 0} | key 'tcp.idleSeconds'",
        "tcp: {writeQueueBytes: 10} | key 'tcp.writeQueueBytes'",
      })
  void badValuesNameTheirKey(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
