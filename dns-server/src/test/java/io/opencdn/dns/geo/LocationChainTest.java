package io.opencdn.dns.geo;

import static io.opencdn.dns.TestSupport.geo;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chain over the real embedded GeoLite2 City database. */
class LocationChainTest {

  static final CoverageZones COVERAGE = new CoverageZones(List.of(
      CoverageZones.parseLine("81.2.69.128/25 group=eu-west"),
      CoverageZones.parseLine("10.0.0.0/8 40.71,-74.0 country=US continent=NA")));

  static final ClientLocation DEFAULT = new ClientLocation(50.11, 8.68, "DE", "EU", null, 0, "default", null, null);

  /** City lookups where 192.0.2.0/24 has a country but no coordinates (the real DB has no such record). */
  static Optional<ClientLocation> city(InetAddress a) {
    if (Cidr.parse("192.0.2.0/24").contains(a)) {
      return Optional.of(new ClientLocation(Double.NaN, Double.NaN, "JP", null, null, 24, "GeoLite2-City", "192.0.2.0/24", a));
    }
    if (Cidr.parse("198.51.100.0/24").contains(a)) {
      return Optional.of(new ClientLocation(Double.NaN, Double.NaN, "XK", "EU", null, 24, "GeoLite2-City", "198.51.100.0/24", a));
    }
    return geo().lookup(a);
  }

  static final LocationChain CHAIN = new LocationChain(COVERAGE, LocationChainTest::city, CountryCentroids.embedded(), DEFAULT);

  @ParameterizedTest
  @CsvSource(nullValues = "-", value = {
      // address,       source,           country, continent, group,   network
      "81.2.69.200,     coverage,         -,       -,         eu-west, 81.2.69.128/25",
      "10.20.30.40,     coverage,         US,      NA,        -,       10.0.0.0/8",
      "81.2.69.1,       GeoLite2-City,    GB,      EU,        -,       -",
      "1.0.16.1,        GeoLite2-City,    JP,      AS,        -,       -",
      "2001:218::1,     GeoLite2-City,    JP,      AS,        -,       -",
      "192.0.2.9,       country-centroid, JP,      AS,        -,       192.0.2.0/24",
      "198.51.100.9,    default,          DE,      EU,        -,       198.51.100.9/32",
      "127.0.0.1,       default,          DE,      EU,        -,       127.0.0.1/32",
      "fd00::1,         default,          DE,      EU,        -,       fd00::1/128"})
  void firstStepThatKnowsDecides(String address, String source, String country, String continent, String group, String network) {
    List<String> notes = new ArrayList<>();
    ClientLocation loc = CHAIN.trace(ip(address), notes);
    assertThat(loc.source()).isEqualTo(source);
    assertThat(loc.country()).isEqualTo(country);
    assertThat(loc.continent()).isEqualTo(continent);
    assertThat(loc.group()).isEqualTo(group);
    if (network != null) {
      assertThat(loc.network()).isEqualTo(network);
    }
    assertThat(loc.network()).isEqualTo(Cidr.of(ip(address), loc.prefixLength()).toString());
    assertThat(loc.address()).isEqualTo(ip(address));
    assertThat(notes).isNotEmpty();
    assertThat(CHAIN.locate(ip(address))).contains(loc);
  }

  @Test
  void theCentroidIsTheCountrysCentre() {
    ClientLocation loc = CHAIN.locate(ip("192.0.2.1")).orElseThrow();
    assertThat(loc.latitude()).isBetween(30.0, 40.0);
    assertThat(loc.longitude()).isBetween(130.0, 145.0);
    assertThat(loc.prefixLength()).isEqualTo(24);
  }

  @Test
  void withoutDefaultAnUnknownClientIsUnknown() {
    LocationChain chain = new LocationChain(CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), null);
    List<String> notes = new ArrayList<>();
    assertThat(chain.trace(ip("10.0.0.1"), notes)).isNull();
    assertThat(notes).containsExactly("coverage zones: no match", "City database: no record", "no default location configured: location unknown");
    assertThat(chain.locate(ip("81.2.69.1"))).isPresent();
  }
}
