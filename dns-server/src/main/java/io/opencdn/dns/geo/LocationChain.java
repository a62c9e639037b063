package io.opencdn.dns.geo;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Locates a client by asking, in order, until one step knows:
 *
 * <ol>
 *   <li>operator coverage zones (longest prefix wins; may pin an edge group instead of coordinates);
 *   <li>the GeoIP2 City database;
 *   <li>the country centroid, when the City record names a country but has no coordinates;
 *   <li>the configured default location (prefix = the whole address, i.e. nothing is known about
 *       the neighbours).
 * </ol>
 *
 * The result is one typed {@link ClientLocation} whose {@code prefixLength} is the network that
 * decided, so it can be the ECS scope of the answer (RFC 7871 7.2.1). Thread-safe, lock-free.
 */
public final class LocationChain implements GeoLocator {

  /** Source name of the default location. */
  public static final String DEFAULT = "default";

  private final GeoLocator coverage;
  private final GeoLocator city;
  private final CountryCentroids centroids;
  private final ClientLocation fallback;

  /**
   * A chain.
   *
   * @param coverage coverage zones ({@link CoverageFile} or {@link CoverageZones}), never null
   * @param city City lookups that may return a location without coordinates (e.g.
   *     {@code geoDatabase::lookup}), or null to skip
   * @param centroids country centres
   * @param fallback default location (its coordinates, country and continent are used), or null
   */
  public LocationChain(GeoLocator coverage, GeoLocator city, CountryCentroids centroids, ClientLocation fallback) {
    this.coverage = coverage;
    this.city = city;
    this.centroids = centroids;
    this.fallback = fallback;
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    return Optional.ofNullable(trace(address, null));
  }

  /**
   * Like {@link #locate} but appends one line per step to {@code notes} (when not null) saying
   * what the step found; returns null when nothing located the client.
   */
  public ClientLocation trace(InetAddress address, List<String> notes) {
    List<String> log = notes == null ? new ArrayList<>() : notes;
    Optional<ClientLocation> zone = coverage.locate(address);
    if (zone.isPresent()) {
      log.add("coverage zone " + zone.get().network() + " matched");
      return zone.get();
    }
    log.add("coverage zones: no match");
    if (city != null) {
      Optional<ClientLocation> rec = city.locate(address);
      if (rec.isPresent() && rec.get().hasCoordinates()) {
        log.add(rec.get().source() + ": network " + rec.get().network() + " has coordinates");
        return rec.get();
      }
      if (rec.isPresent()) {
        ClientLocation r = rec.get();
        Optional<CountryCentroids.Centroid> c = centroids.of(r.country());
        if (c.isPresent()) {
          log.add(r.source() + ": network " + r.network() + " has country " + r.country() + " but no coordinates: country centroid");
          String continent = r.continent() != null ? r.continent() : c.get().continent();
          return new ClientLocation(c.get().latitude(), c.get().longitude(), r.country(), continent, null,
              r.prefixLength(), CountryCentroids.SOURCE, r.network(), address);
        }
        log.add(r.source() + ": network " + r.network() + " has country " + r.country() + ", not in the centroid table");
      } else {
        log.add("City database: no record");
      }
    }
    if (fallback != null) {
      int bits = address.getAddress().length * 8;
      log.add("default location");
      return new ClientLocation(fallback.latitude(), fallback.longitude(), fallback.country(), fallback.continent(), fallback.group(),
          bits, DEFAULT, Cidr.of(address, bits).toString(), address);
    }
    log.add("no default location configured: location unknown");
    return null;
  }
}
