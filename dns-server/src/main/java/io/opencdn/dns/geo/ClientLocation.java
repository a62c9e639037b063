package io.opencdn.dns.geo;

/**
 * Where a client is, as far as the location source knows.
 *
 * @param latitude degrees, -90..90
 * @param longitude degrees, -180..180
 * @param country ISO 3166-1 alpha-2 code, or null when unknown
 * @param prefixLength length of the network that decided (the GeoIP record's network); all
 *     addresses in it get the same location, so it becomes the ECS scope (RFC 7871 7.2.1)
 * @param source name of the source that decided, e.g. {@code GeoLite2-City}
 */
public record ClientLocation(double latitude, double longitude, String country, int prefixLength, String source) {

  public ClientLocation {
    if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
      throw new IllegalArgumentException("not a location: " + latitude + "," + longitude);
    }
  }
}
