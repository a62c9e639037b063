package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CoverageZonesTest {

  static final String FILE =
      """
      # operator networks
      10.0.0.0/8          group=core
      10.1.0.0/16         51.51,-0.13 country=gb continent=EU
      10.1.2.0/24         group=eu-west 50.11,8.68
      2001:db8::/32       group=us-east country=US   # a comment
      2001:db8:1::/48     35.68,139.69 country=JP
      """;

  static CoverageZones zones() {
    return CoverageZones.parse(
        new ByteArrayInputStream(FILE.getBytes(StandardCharsets.UTF_8)), "zones.txt");
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "10.9.9.9,      10.0.0.0/8,       core,    -,  NaN",
        "10.1.9.9,      10.1.0.0/16,      -,       GB, 51.51",
        "10.1.2.3,      10.1.2.0/24,      eu-west, -,  50.11",
        "2001:db8:2::1, 2001:db8::/32,    us-east, US, NaN",
        "2001:db8:1::5, 2001:db8:1::/48,  -,       JP, 35.68",
        "11.0.0.1,      -,                -,       -,  NaN",
        "2001:db9::1,   -,                -,       -,  NaN"
      })
  void longestPrefixWins(String address, String network, String group, String country, double lat) {
    var loc = zones().locate(ip(address));
    if (network == null) {
      assertThat(loc).isEmpty();
      return;
    }
    ClientLocation l = loc.orElseThrow();
    assertThat(l.network()).isEqualTo(network);
    assertThat(l.prefixLength())
        .isEqualTo(Integer.parseInt(network.substring(network.indexOf('/') + 1)));
    assertThat(l.group()).isEqualTo(group);
    assertThat(l.country()).isEqualTo(country);
    assertThat(l.source()).isEqualTo("coverage");
    assertThat(l.address()).isEqualTo(ip(address));
    if (Double.isNaN(lat)) {
      assertThat(l.hasCoordinates()).isFalse();
    } else {
      assertThat(l.latitude()).isEqualTo(lat);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.0/8 group=a\\n10.0.0.0/8 group=b | zones.txt:line 2: 10.0.0.0/8 is already listed on line 1",
        "10.0.0.0/33 group=a                     | zones.txt:line 1: prefix of '10.0.0.0/33' is not in 0..32",
        "10.0.0.0/8                              | zones.txt:line 1: 10.0.0.0/8 needs group=NAME or LAT,LON",
        "10.0.0.0/8 91,0                         | zones.txt:line 1: coordinates '91,0' are not latitude",
        "10.0.0.0/8 group=a color=red            | zones.txt:line 1: expected group=NAME, LAT,LON, country=CC or continent=CC, got 'color=red'",
        "10.0.0.0/8 group=a country=GBR          | zones.txt:line 1: country 'GBR' is not a two-letter code"
      })
  void errorsNameFileAndLine(String text, String message) {
    assertThatThrownBy(
            () ->
                CoverageZones.parse(
                    new ByteArrayInputStream(
                        text.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8)),
                    "zones.txt"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }
}
