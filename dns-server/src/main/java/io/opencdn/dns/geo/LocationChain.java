package io.opencdn.dns.geo;

import io.opencdn.dns.config.LocationSpec;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Locates a client by asking, in order, until one step knows:
 *
 * <ol>
 *   <li>operator coverage zones (longest prefix wins; may pin an edge group instead of
 *       coordinates);
 *   <li>the GeoIP2 City database;
 *   <li>the country centroid, when the City record names a country but has no coordinates;
 *   <li>the configured default location (prefix = the whole address, i.e. nothing is known about
 *       the neighbours).
 * </ol>
 *
 * The result is one typed {@link ClientLocation} whose {@code prefixLength} is the network that
 * decided, so it can be the ECS scope of the answer (RFC 7871 7.2.1), made longer when coverage
 * zones lie inside that network without holding the address ({@link CoverageZones#scope}): every
 * address of the network it names gets the same location. Thread-safe, lock-free.
 */
public final class LocationChain implements GeoLocator {

  /** Source name of the default location. */
  public static final String DEFAULT = "default";

  private final Coverage coverage;
  private final GeoLocator city;
  private final CountryCentroids centroids;
  private final ClientLocation fallback;

  /**
   * The configured default location ({@code geo.defaultLocation}) as a location, or null without
   * one.
   */
  public static ClientLocation defaultLocation(LocationSpec spec) {
    return spec == null
        ? null
        : new ClientLocation(
            spec.latitude(),
            spec.longitude(),
            spec.country(),
            spec.continent(),
            null,
            0,
            DEFAULT,
            null,
            null);
  }

  /**
   * A chain.
   *
   * @param coverage coverage zones ({@link CoverageFile} or {@link CoverageZones}), never null
   * @param city City lookups that may return a location without coordinates (e.g. {@code
   *     geoDatabase::lookup}), or null to skip
   * @param centroids country centres
   * @param fallback default location (its coordinates, country and continent are used), or null
   */
  public LocationChain(
      Coverage coverage, GeoLocator city, CountryCentroids centroids, ClientLocation fallback) {
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
   * Like {@link #locate} but appends one line per step to {@code notes} (when not null) saying what
   * the step found; returns null when nothing located the client.
   */
  public ClientLocation trace(InetAddress address, List<String> notes) {
    // notes are built only when asked for: the query path passes null and allocates no strings
    Optional<ClientLocation> zone = coverage.current().locate(address);
    if (zone.isPresent()) {
      note(notes, () -> "coverage zone " + zone.get().network() + " matched");
      return scoped(zone.get(), notes);
    }
    note(notes, () -> "coverage zones: no match");
    if (city != null) {
      Optional<ClientLocation> rec = city.locate(address);
      if (rec.isPresent() && rec.get().hasCoordinates()) {
        note(
            notes,
            () -> rec.get().source() + ": network " + rec.get().network() + " has coordinates");
        return scoped(rec.get(), notes);
      }
      if (rec.isPresent()) {
        ClientLocation r = rec.get();
        Optional<CountryCentroids.Centroid> c = centroids.of(r.country());
        if (c.isPresent()) {
          note(
              notes,
              () ->
                  r.source()
                      + ": network "
                      + r.network()
                      + " has country "
                      + r.country()
                      + " but no coordinates: country centroid");
          String continent = r.continent() != null ? r.continent() : c.get().continent();
          return scoped(
              new ClientLocation(
                  c.get().latitude(),
                  c.get().longitude(),
                  r.country(),
                  continent,
                  null,
                  r.prefixLength(),
                  CountryCentroids.SOURCE,
                  r.network(),
                  address),
              notes);
        }
        note(
            notes,
            () ->
                r.source()
                    + ": network "
                    + r.network()
                    + " has country "
                    + r.country()
                    + ", not in the centroid table");
      } else {
        note(notes, () -> "City database: no record");
      }
    }
    if (fallback != null) {
      int bits = address.getAddress().length * 8;
      note(notes, () -> "default location");
      return new ClientLocation(
          fallback.latitude(),
          fallback.longitude(),
          fallback.country(),
          fallback.continent(),
          fallback.group(),
          bits,
          DEFAULT,
          Cidr.of(address, bits).toString(),
          address);
    }
    note(notes, () -> "no default location configured: location unknown");
    return null;
  }

  /**
   * {@code found} with its network made longer when coverage zones lie inside it without holding
   * the address ({@link CoverageZones#scope}): the network, and so the ECS scope, then ends before
   * them, since their addresses get other answers.
   */
  private ClientLocation scoped(ClientLocation found, List<String> notes) {
    CoverageZones table = coverageTable();
    InetAddress address = found.address();
    CoverageZones.Narrowing n =
        address == null ? null : table.narrowing(address, found.prefixLength());
    if (n == null) {
      return found;
    }
    String network = Cidr.of(address, n.scope()).toString();
    note(
        notes,
        () ->
            "scope /"
                + n.scope()
                + " ("
                + network
                + "): coverage zone "
                + n.zone().network()
                + " lies inside "
                + found.network()
                + " and decides otherwise");
    return new ClientLocation(
        found.latitude(),
        found.longitude(),
        found.country(),
        found.continent(),
        found.group(),
        n.scope(),
        found.source(),
        network,
        address);
  }

  private static void note(List<String> notes, Supplier<String> line) {
    if (notes != null) {
      notes.add(line.get());
    }
  }

  /**
   * The coverage table in use right now (the current table of a {@link CoverageFile}). A reload
   * installs a new table object, so {@link LocationCache} compares it by identity to notice
   * reloads.
   */
  public CoverageZones coverageTable() {
    return coverage.current();
  }
}
