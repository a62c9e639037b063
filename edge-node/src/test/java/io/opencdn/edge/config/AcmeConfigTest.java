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
    assertThat(acme("https://acme.test/dir", null, null, "HTTP-01").hosts())
        .as("hosts only from the distributions")
        .isEmpty();
    AcmeConfig one = c.forNames(List.of("img.cdn.test"), "http-01");
    assertThat(one.hosts()).containsExactly("img.cdn.test");
    assertThat(one.challenge()).isEqualTo("http-01");
    assertThat(one.directory()).isEqualTo(c.directory());
  }

  @Test
  void mistakesNameTheirKey() {
    assertThatThrownBy(() -> acme("ftp://x", null, List.of("a.test"), null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("directory");
    assertThatThrownBy(() -> acme("https://acme.test/dir", "ops@x", List.of("a.test"), null))
        .hasMessageContaining("contact");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of("*.a.test"), "http-01"))
        .hasMessageContaining("challenge");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of("a.*.test"), null))
        .hasMessageContaining("hosts[0]");
    assertThatThrownBy(() -> acme("https://acme.test/dir", null, List.of("a.test"), "tls-alpn-01"))
        .hasMessageContaining("challenge");
  }
}
