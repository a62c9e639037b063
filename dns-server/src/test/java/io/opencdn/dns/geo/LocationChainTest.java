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

  static final CoverageZones COVERAGE =
      new CoverageZones(
          List.of(
              CoverageZones.parseLine("81.2.69.128/25 group=eu-west"),
              CoverageZones.parseLine("10.0.0.0/8 40.71,-74.0 country=US continent=NA")));

  static final ClientLocation DEFAULT =
      new ClientLocation(50.11, 8.68, "DE", "EU", null, 0, "default", null, null);

  /**
   * City lookups where 192.0.2.0/24 has a country but no coordinates (the real DB has no such
   * record).
   */
  static Optional<ClientLocation> city(InetAddress a) {
    if (Cidr.parse("192.0.2.0/24").contains(a)) {
      return Optional.of(
          new ClientLocation(
              Double.NaN, Double.NaN, "JP", null, null, 24, "GeoLite2-City", "192.0.2.0/24", a));
    }
    if (Cidr.parse("198.51.100.0/24").contains(a)) {
      return Optional.of(
          new ClientLocation(
              Double.NaN, Double.NaN, "XK", "EU", null, 24, "GeoLite2-City", "198.51.100.0/24", a));
    }
    return geo().lookup(a);
  }

  static final LocationChain CHAIN =
      new LocationChain(COVERAGE, LocationChainTest::city, CountryCentroids.embedded(), DEFAULT);

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        // address,       source,           country, continent, group,   network
        "81.2.69.200,     coverage,         -,       -,         eu-west, 81.2.69.128/25",
        "10.20.30.40,     coverage,         US,      NA,        -,       10.0.0.0/8",
        "81.2.69.1,       GeoLite2-City,    GB,      EU,        -,       -",
        "1.0.16.1,        GeoLite2-City,    JP,      AS,        -,       -",
        "2001:218::1,     GeoLite2-City,    JP,      AS,        -,       -",
        "192.0.2.9,       country-centroid, JP,      AS,        -,       192.0.2.0/24",
        "198.51.100.9,    default,          DE,      EU,        -,       198.51.100.9/32",
        "127.0.0.1,       default,          DE,      EU,        -,       127.0.0.1/32",
        "fd00::1,         default,          DE,      EU,        -,       fd00::1/128"
      })
  void firstStepThatKnowsDecides(
      String address,
      String source,
      String country,
      String continent,
      String group,
      String network) {
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
  void theScopeNeverCoversAZoneInsideTheDecidingNetworkThatDecidesOtherwise() {
    // GeoLite2 puts 155.40.0.0/16 in one record; the operator pins 155.40.16.0/20 elsewhere, and
    // 10.1.0.0/16 and 10.0.0.0/24 inside the 10/8 zone
    CoverageZones zones =
        new CoverageZones(
            List.of(
                CoverageZones.parseLine("155.40.16.0/20 group=eu-west"),
                CoverageZones.parseLine("10.0.0.0/8 40.71,-74.0"),
                CoverageZones.parseLine("10.1.0.0/16 group=us-east"),
                CoverageZones.parseLine("10.0.0.0/24 group=ap-northeast"),
                CoverageZones.parseLine("2001:db8::/32 group=us-east"),
                CoverageZones.parseLine("2001:db8:8000::/33 group=eu-west")));
    LocationChain chain =
        new LocationChain(zones, geo()::lookup, CountryCentroids.embedded(), DEFAULT);
    assertThat(geo().lookup(ip("155.40.0.1")).orElseThrow().network()).isEqualTo("155.40.0.0/16");
    List<String> notes = new ArrayList<>();
    ClientLocation below = chain.trace(ip("155.40.0.1"), notes);
    // 155.40.0.0/20 is the widest network around the address without the zone: bit 20 differs
    assertThat(below.source()).isEqualTo("GeoLite2-City");
    assertThat(below.prefixLength()).isEqualTo(20);
    assertThat(below.network()).isEqualTo("155.40.0.0/20");
    assertThat(notes).anyMatch(n -> n.contains("scope /20") && n.contains("155.40.16.0/20"));
    // above the zone: 155.40.32.0/19; far from it: 155.40.128.0/17
    assertThat(chain.locate(ip("155.40.33.7")).orElseThrow().network()).isEqualTo("155.40.32.0/19");
    assertThat(chain.locate(ip("155.40.200.1")).orElseThrow().network())
        .isEqualTo("155.40.128.0/17");
    assertThat(chain.locate(ip("155.40.17.1")).orElseThrow().network()).isEqualTo("155.40.16.0/20");
    // nested zones: the outer one's answers are scoped so as to miss the inner ones
    assertThat(chain.locate(ip("10.5.0.1")).orElseThrow().network()).isEqualTo("10.4.0.0/14");
    assertThat(chain.locate(ip("10.0.1.1")).orElseThrow().network()).isEqualTo("10.0.1.0/24");
    assertThat(chain.locate(ip("10.200.0.1")).orElseThrow().network()).isEqualTo("10.128.0.0/9");
    assertThat(chain.locate(ip("10.1.2.3")).orElseThrow().network()).isEqualTo("10.1.0.0/16");
    assertThat(chain.locate(ip("2001:db8:1::1")).orElseThrow().network())
        .isEqualTo("2001:db8::/33");
    // nothing inside: the GeoIP network as it is (81.2.68.0/22); with CHAIN's zone
    // 81.2.69.128/25 inside it, the half /24 beside the zone
    assertThat(chain.locate(ip("81.2.69.1"))).isEqualTo(geo().lookup(ip("81.2.69.1")));
    assertThat(geo().lookup(ip("81.2.69.1")).orElseThrow().network()).isEqualTo("81.2.68.0/22");
    assertThat(CHAIN.locate(ip("81.2.69.1")).orElseThrow().network()).isEqualTo("81.2.69.0/25");
    // the default location is scoped to the whole address already
    assertThat(chain.locate(ip("127.0.0.1")).orElseThrow().prefixLength()).isEqualTo(32);
  }

  @Test
  void scopeIsTheDecidingPrefixOrLongerNeverShorter() {
    CoverageZones zones =
        new CoverageZones(
            List.of(
                CoverageZones.parseLine("192.0.2.0/24 group=a"),
                CoverageZones.parseLine("192.0.2.128/25 group=b")));
    // no zone inside 198.51.100.0/24: the prefix as decided
    assertThat(zones.scope(ip("198.51.100.1"), 24)).isEqualTo(24);
    assertThat(zones.scope(ip("198.51.100.1"), 8)).isEqualTo(8);
    // 192.0.2.128/25 inside a /16 decided for 192.0.3.1: bit 23 differs
    assertThat(zones.scope(ip("192.0.3.1"), 16)).isEqualTo(24);
    // inside the /24 zone but not its /25: bit 24 differs
    assertThat(zones.scope(ip("192.0.2.1"), 24)).isEqualTo(25);
    assertThat(zones.scope(ip("192.0.2.200"), 25)).isEqualTo(25);
    assertThat(CoverageZones.EMPTY.scope(ip("2001:db8::1"), 48)).isEqualTo(48);
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
    LocationChain chain =
        new LocationChain(CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), null);
    List<String> notes = new ArrayList<>();
    assertThat(chain.trace(ip("10.0.0.1"), notes)).isNull();
    assertThat(notes)
        .containsExactly(
            "coverage zones: no match",
            "City database: no record",
            "no default location configured: location unknown");
    assertThat(chain.locate(ip("81.2.69.1"))).isPresent();
  }
}
