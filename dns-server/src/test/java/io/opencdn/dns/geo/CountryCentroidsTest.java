package io.opencdn.dns.geo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CountryCentroidsTest {

  static final CountryCentroids TABLE = CountryCentroids.embedded();

  @ParameterizedTest
  @CsvSource({
    "US, 25, 50, -125, -66, NA",
    "CN, 20, 45, 75, 125, AS",
    "BR, -30, 5, -70, -35, SA",
    "DE, 47, 55, 6, 15, EU",
    "JP, 30, 46, 128, 146, AS",
    "AU, -40, -12, 115, 150, OC",
    "ZA, -35, -22, 16, 33, AF",
    "GB, 50, 59, -8, 2, EU"
  })
  void centresLieInsideTheirCountry(
      String cc, double latMin, double latMax, double lonMin, double lonMax, String continent) {
    CountryCentroids.Centroid c = TABLE.of(cc).orElseThrow();
    assertThat(c.latitude()).isBetween(latMin, latMax);
    assertThat(c.longitude()).isBetween(lonMin, lonMax);
    assertThat(c.continent()).isEqualTo(continent);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {"ZZ", "-", "''"})
  void unknownCodesHaveNoCentre(String cc) {
    assertThat(TABLE.of(cc)).isEmpty();
    assertThat(TABLE.size()).isGreaterThan(100);
  }
}
