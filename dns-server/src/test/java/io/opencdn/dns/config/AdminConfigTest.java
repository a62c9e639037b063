package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code admin} and {@code rrl} sections of the DNS config as read from YAML. */
class AdminConfigTest {

  @TempDir Path dir;

  private DnsConfig load(String extra) throws Exception {
    Path file = dir.resolve("dns.yaml");
    Files.writeString(
        file, "zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n" + extra);
    return ConfigLocation.load(file.toString(), DnsConfig.class);
  }

  @Test
  void absentSectionsMeanNoAdminListenerAndRrlOnWithDefaults() throws Exception {
    DnsConfig c = load("");
    assertThat(c.admin()).isNull();
    assertThat(c.rrl().enabled()).isTrue();
    assertThat(c.rrl().responsesPerSecond()).isEqualTo(20);
  }

  @Test
  void readsBothSections() throws Exception {
    DnsConfig c =
        load(
            "admin: {listen: 127.0.0.1:8054, token: abcdefghijklmnop}\nrrl: {responsesPerSecond: 100, slip: 0}\n");
    assertThat(c.admin().listen().port()).isEqualTo(8054);
    assertThat(c.admin().token()).isEqualTo("abcdefghijklmnop");
    assertThat(c.rrl().responsesPerSecond()).isEqualTo(100);
    assertThat(c.rrl().slip()).isZero();
    assertThat(load("admin: {listen: 127.0.0.1:8054}\n").admin().token())
        .as("empty: generated at start")
        .isEmpty();
  }

  @Test
  void errorsNameTheKey() {
    assertThatThrownBy(() -> load("admin: {listen: 127.0.0.1:8054, token: short}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("token")
        .hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> load("admin: {token: abcdefghijklmnop}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("listen");
    assertThatThrownBy(() -> load("rrl: {slip: 11}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("slip")
        .hasMessageContaining("0..10");
    assertThatThrownBy(() -> load("rrl: {burst: 3}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("burst");
  }
}
