package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.geo;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Lookups against the real embedded GeoLite2 City database of 2019-11-19. */
class GeoDatabaseTest {

  @ParameterizedTest
  @CsvSource({
    "81.2.69.160, GB, 49, 57, -8, 2",
    "1.0.16.1, JP, 30, 46, 128, 146",
    "8.8.8.8, US, 25, 50, -125, -66",
    "2001:218::1, JP, 30, 46, 128, 146"
  })
  void locatesKnownNetworks(
      String address, String country, double latMin, double latMax, double lonMin, double lonMax) {
    ClientLocation loc = geo().locate(ip(address)).orElseThrow();
    assertThat(loc.country()).isEqualTo(country);
    assertThat(loc.latitude()).isBetween(latMin, latMax);
    assertThat(loc.longitude()).isBetween(lonMin, lonMax);
    assertThat(loc.source()).isEqualTo("GeoLite2-City");
    assertThat(loc.prefixLength()).isBetween(8, address.contains(":") ? 128 : 32);
  }

  @Test
  void prefixIsOfTheDecidingNetworkInIpv4Terms() {
    ClientLocation loc = geo().locate(ip("81.2.69.160")).orElseThrow();
    assertThat(loc.prefixLength()).isLessThanOrEqualTo(32);
    assertThat(geo().locate(ip("81.2.69.161")).orElseThrow().prefixLength())
        .isEqualTo(loc.prefixLength());
  }

  @ParameterizedTest
  @CsvSource({"10.1.2.3", "127.0.0.1", "192.168.1.1", "::1"})
  void privateAndLoopbackAddressesHaveNoLocation(String address) {
    assertThat(geo().locate(ip(address))).isEmpty();
  }

  @Test
  void describesItself() {
    assertThat(geo().description())
        .contains("classpath:GeoLite2-City.mmdb", "GeoLite2-City", "built 2019-11-");
  }

  @Test
  void invalidOrMissingFilesAreConfigErrorsNamingTheFile(@TempDir Path dir) throws Exception {
    Path bogus = dir.resolve("bogus.mmdb");
    Files.write(bogus, new byte[] {1, 2, 3, 4});
    assertThatThrownBy(() -> GeoDatabase.open(bogus.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(bogus + ": ");
    assertThatThrownBy(() -> GeoDatabase.open(dir.resolve("none.mmdb").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("none.mmdb") + ": ");
    assertThatThrownBy(() -> GeoDatabase.open(dir.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not found or not readable");
  }

  @Test
  void aFileIsMemoryMappedAndMustBeACityDatabase(@TempDir Path dir) throws Exception {
    Path country = dir.resolve("country.mmdb");
    try (var in = GeoDatabase.class.getClassLoader().getResourceAsStream("GeoLite2-Country.mmdb")) {
      Files.copy(in, country);
    }
    assertThatThrownBy(() -> GeoDatabase.open(country.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(country + ": expected a GeoIP2/GeoLite2 City database, got GeoLite2-Country");
  }

  /**
   * The slim record decoding gives what the full GeoIP2 City model gives (the model the lookup used
   * before).
   */
  @Test
  void theSlimLookupMatchesTheFullGeoip2CityModel() throws Exception {
    try (var in = GeoDatabase.class.getClassLoader().getResourceAsStream(GeoDatabase.EMBEDDED);
        var full = new com.maxmind.geoip2.DatabaseReader.Builder(in).build()) {
      java.util.Random rnd = new java.util.Random(11);
      int located = 0;
      for (int i = 0; i < 3000; i++) {
        java.net.InetAddress a =
            i % 10 == 9
                ? ip(
                    String.format(
                        "2%03x:%x:%x::1",
                        rnd.nextInt(0x400), rnd.nextInt(0x10000), rnd.nextInt(0x10000)))
                : ip(
                    rnd.nextInt(1, 224)
                        + "."
                        + rnd.nextInt(256)
                        + "."
                        + rnd.nextInt(256)
                        + "."
                        + rnd.nextInt(256));
        java.util.Optional<ClientLocation> slim = geo().lookup(a);
        java.util.Optional<com.maxmind.geoip2.model.CityResponse> city = full.tryCity(a);
        String country = city.map(c -> c.getCountry().getIsoCode()).orElse(null);
        Double lat = city.map(c -> c.getLocation().getLatitude()).orElse(null);
        Double lon = city.map(c -> c.getLocation().getLongitude()).orElse(null);
        if (lat == null || lon == null) {
          lat = null;
        }
        if (country == null && lat == null) {
          assertThat(slim).as("%s", a).isEmpty();
          continue;
        }
        located++;
        ClientLocation l = slim.orElseThrow();
        assertThat(l.country()).as("%s", a).isEqualTo(country);
        assertThat(l.continent()).as("%s", a).isEqualTo(city.get().getContinent().getCode());
        assertThat(l.prefixLength())
            .as("%s", a)
            .isEqualTo(city.get().getTraits().getNetwork().getPrefixLength());
        if (lat != null) {
          assertThat(l.latitude()).isEqualTo(lat);
          assertThat(l.longitude()).isEqualTo(lon);
        } else {
          assertThat(l.hasCoordinates()).isFalse();
        }
      }
      assertThat(located).isGreaterThan(1000);
    }
  }
}
