package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * Client location settings: the chain coverage zones -> City database -> country centroid ->
 * default location ({@link io.opencdn.dns.geo.LocationChain}).
 *
 * @param cityDatabase path of a GeoIP2/GeoLite2 City {@code .mmdb} file (relative to the config
 *     file); empty or absent selects the embedded GeoLite2 City database of 2019-11-19
 * @param coverage operator coverage zones file ({@link io.opencdn.dns.geo.CoverageZones}), relative
 *     to the config file; empty or absent: none
 * @param coverageReloadSeconds how often the coverage file is checked for changes, 1..3600 (default
 *     10)
 * @param defaultLocation where clients nothing else located are assumed to be, or null (then they
 *     are ordered by their network hash only)
 */
public record GeoConfig(
    @JsonProperty("cityDatabase") String cityDatabase,
    @JsonProperty("coverage") String coverage,
    @JsonProperty("coverageReloadSeconds") Integer coverageReloadSeconds,
    @JsonProperty("defaultLocation") LocationSpec defaultLocation) {
  public GeoConfig {
    cityDatabase = cityDatabase == null ? "" : cityDatabase.trim();
    coverage = coverage == null ? "" : coverage.trim();
    coverageReloadSeconds = coverageReloadSeconds == null ? 10 : coverageReloadSeconds;
    ConfigException.require(
        coverageReloadSeconds >= 1 && coverageReloadSeconds <= 3600,
        "coverageReloadSeconds",
        "1..3600",
        coverageReloadSeconds);
  }

  /** Only a City database. */
  public GeoConfig(String cityDatabase) {
    this(cityDatabase, null, null, null);
  }
}
