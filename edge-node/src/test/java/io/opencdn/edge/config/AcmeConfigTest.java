package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code tls.acme}: defaults, and each mistake named by its key. */
class AcmeConfigTest {

  private static AcmeConfig acme(String directory, String contact, List<String> hosts, String ch) {
    return new AcmeConfig(directory, contact, hosts, ch, null, null, null, null);
  }

  @Test
  void defaults() {
    AcmeConfig c = acme("https://acme.test/dir", null, List.of("WWW.cdn.test", "*.cdn.test"), null);
    assertThat(c.challenge()).isEqualTo("dns-01");
    assertThat(c.hosts()).containsExactly("www.cdn.test", "*.cdn.test");
    assertThat(c.retrySeconds()).isEqualTo(10);
    assertThat(c.retryMaxSeconds()).isEqualTo(3600);
    assertThat(c.settleMillis()).isEqualTo(500);
  }

  @Test
  void mistakesNameTheirKey() {
    assertThatThrownBy(() -> acme("ftp://x", null, List.of("a.test"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> acme("https://acme.test/dir", "ops@x", List.of("a.test"), null))
        .hasMessageContaining("contact");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of(), null))
        .hasMessageContaining("hosts");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of("a.*.test"), null))
        .hasMessageContaining("hosts[0]");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of("a.test"), "tls-alpn-01"))
        .hasMessageContaining("challenge");
  }
}
