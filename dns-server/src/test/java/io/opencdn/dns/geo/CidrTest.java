package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest
  @CsvSource({
    "10.1.2.3/8, 10.0.0.0/8",
    "81.2.69.160/24, 81.2.69.0/24",
    "0.0.0.0/0, 0.0.0.0/0",
    "192.0.2.7, 192.0.2.7/32",
    "2001:db8:1:2::1/48, 2001:db8:1::/48",
    "2001:db8::/32, 2001:db8::/32",
    "::/0, ::/0",
    "fd00:0:0:1::/64, fd00:0:0:1::/64",
    "2001:0:0:1:0:0:0:1/128, 2001:0:0:1::1/128"
  })
  void parsesAndPrints(String text, String canonical) {
    assertThat(Cidr.parse(text).toString()).isEqualTo(canonical);
    assertThat(Cidr.parse(canonical)).isEqualTo(Cidr.parse(text));
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.1, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "81.2.69.0/24, 81.2.69.255, true",
    "2001:db8::/32, 2001:db8:ffff::1, true",
    "2001:db8::/32, 2001:db9::1, false",
    "10.0.0.0/8, ::ffff:0a00:0001, true",
    "::/0, 10.0.0.1, false"
  })
  void contains(String network, String address, boolean inside) {
    assertThat(Cidr.parse(network).contains(ip(address))).isEqualTo(inside);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.0.0.0/33", "2001:db8::/129", "10.0.0.0/x", "example.com/8", "10.0.0.0/-1"})
  void rejects(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(text);
  }
}
