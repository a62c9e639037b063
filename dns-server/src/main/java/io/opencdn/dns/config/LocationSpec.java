package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.util.Locale;

/**
 * A configured location (YAML {@code geo.defaultLocation}): where clients nothing else could locate
 * are assumed to be ({@code LocationChain.defaultLocation} makes it a location).
 *
 * @param latitude degrees, -90..90
 * @param longitude degrees, -180..180
 * @param country ISO 3166-1 alpha-2 code, optional
 * @param continent continent code, optional
 */
public record LocationSpec(
    @JsonProperty("latitude") Double latitude,
    @JsonProperty("longitude") Double longitude,
    @JsonProperty("country") String country,
    @JsonProperty("continent") String continent) {

  public LocationSpec {
    ConfigException.require(
        latitude != null && latitude >= -90 && latitude <= 90, "latitude", "-90..90", latitude);
    ConfigException.require(
        longitude != null && longitude >= -180 && longitude <= 180,
        "longitude",
        "-180..180",
        longitude);
    country = country == null || country.isBlank() ? null : country.trim().toUpperCase(Locale.ROOT);
    continent =
        continent == null || continent.isBlank() ? null : continent.trim().toUpperCase(Locale.ROOT);
    ConfigException.require(
        country == null || country.matches("[A-Z]{2}"),
        "country",
        "a two-letter ISO code",
        country);
    ConfigException.require(
        continent == null || continent.matches("AF|AN|AS|EU|NA|OC|SA"),
        "continent",
        "one of AF AN AS EU NA OC SA",
        continent);
  }
}
