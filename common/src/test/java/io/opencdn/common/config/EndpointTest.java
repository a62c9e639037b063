package io.opencdn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointTest {

  @Test
  void parsesIpv4AndBracketedIpv6() {
    assertThat(Endpoint.parse("127.0.0.1:8053")).isEqualTo(new Endpoint("127.0.0.1", 8053));
    assertThat(Endpoint.parse("[::1]:53")).isEqualTo(new Endpoint("::1", 53));
    assertThat(new Endpoint("::1", 53).toString()).isEqualTo("[::1]:53");
  }

  @Test
  void refusesWhatIsNotHostAndPort() {
    for (String bad : new String[] {"8053", "host:", ":53", "::1:53", "h:99999", "h:x"}) {
      assertThatThrownBy(() -> Endpoint.parse(bad)).as(bad).isInstanceOf(ConfigException.class);
    }
  }
}
