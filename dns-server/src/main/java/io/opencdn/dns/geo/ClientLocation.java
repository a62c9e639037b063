package io.opencdn.dns.geo;

import java.net.InetAddress;

/**
 * Where a client is, as far as the {@link LocationChain} step that decided knows. Policies consume
 * this typed value; nothing is passed around as string-keyed attributes.
 *
 * @param latitude degrees, -90..90, or NaN when the deciding step knows no coordinates (a coverage
 *     zone that only names an edge group)
 * @param longitude degrees, -180..180, or NaN together with {@code latitude}
 * @param country ISO 3166-1 alpha-2 code, or null when unknown
 * @param continent two-letter continent code (AF AN AS EU NA OC SA), or null when unknown
 * @param group edge group (an edge's {@code region}) a coverage zone pins the client to, or null
 * @param prefixLength length of the network that decided, made longer to leave out coverage zones
 *     inside it that decide otherwise; all addresses in it get the same location, so it becomes the
 *     ECS scope (RFC 7871 7.2.1)
 * @param source the step that decided, e.g. {@code coverage}, {@code GeoLite2-City}, {@code
 *     country-centroid}, {@code default}
 * @param network the deciding network as text ({@code 81.2.69.0/24}), or null
 * @param address the located address, or null
 */
public record ClientLocation(
    double latitude,
    double longitude,
    String country,
    String continent,
    String group,
    int prefixLength,
    String source,
    String network,
    InetAddress address) {

  public ClientLocation {
    boolean unknown = Double.isNaN(latitude) && Double.isNaN(longitude);
    if (!unknown
        && (latitude < -90
            || latitude > 90
            || longitude < -180
            || longitude > 180
            || Double.isNaN(latitude)
            || Double.isNaN(longitude))) {
      throw new IllegalArgumentException("not a location: " + latitude + "," + longitude);
    }
  }

  /** A location with coordinates and no group, continent, network or address. */
  public ClientLocation(
      double latitude, double longitude, String country, int prefixLength, String source) {
    this(latitude, longitude, country, null, null, prefixLength, source, null, null);
  }

  /** True when latitude and longitude are known. */
  public boolean hasCoordinates() {
    return !Double.isNaN(latitude);
  }

  /** A copy with other coordinates and source (the centroid step). */
  public ClientLocation at(double lat, double lon, String newSource) {
    return new ClientLocation(
        lat, lon, country, continent, group, prefixLength, newSource, network, address);
  }

  /** A copy recording the located address. */
  public ClientLocation withAddress(InetAddress located) {
    return new ClientLocation(
        latitude, longitude, country, continent, group, prefixLength, source, network, located);
  }
}
