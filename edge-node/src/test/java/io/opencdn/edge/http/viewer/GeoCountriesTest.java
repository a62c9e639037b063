package io.opencdn.edge.http.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.distribution.GeoRestriction;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Lookups against the embedded GeoLite2 Country database of 2019-11-19. */
class GeoCountriesTest {

  private static final GeoCountries DB = GeoCountries.open(null);

  @Test
  void locatesCountriesAndNothingForLoopback() throws Exception {
    assertThat(DB.country(InetAddress.getByName("81.2.69.142"))).isEqualTo("GB");
    assertThat(DB.country(InetAddress.getByName("1.0.16.1"))).isEqualTo("JP");
    assertThat(DB.country(InetAddress.getByName("2001:218::1"))).isEqualTo("JP");
    assertThat(DB.country(InetAddress.getLoopbackAddress())).isNull();
    assertThat(DB.country(InetAddress.getByName("10.1.2.3"))).isNull();
    assertThat(DB.country(null)).isNull();
    assertThat(DB.description()).contains("classpath:GeoLite2-Country.mmdb", "GeoLite2-Country");
  }

  @Test
  void aMissingFileIsAConfigError() {
    assertThatThrownBy(() -> GeoCountries.open("no/such.mmdb"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("no/such.mmdb: GeoIP database not found or not readable");
  }

  @Test
  void gateDecidesByTheLocatedClient() throws Exception {
    GeoRestriction block =
        new GeoRestriction(false, Set.of("GB"), List.of(GeoRestriction.Cidr.parse("127.0.0.0/8")));
    InetAddress lo = InetAddress.getLoopbackAddress();
    assertThat(GeoGate.decide(block, DB, lo, List.of("81.2.69.142")))
        .isEqualTo(new GeoGate.Decision(InetAddress.getByName("81.2.69.142"), "GB", false));
    assertThat(GeoGate.decide(block, DB, lo, List.of()).admitted()).isTrue();
    assertThat(
            GeoGate.decide(block, DB, InetAddress.getByName("192.0.2.9"), List.of("81.2.69.142"))
                .admitted())
        .isTrue();
  }
}
