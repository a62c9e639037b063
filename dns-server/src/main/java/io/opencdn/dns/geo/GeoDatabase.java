package io.opencdn.dns.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Location;
import io.opencdn.common.config.ConfigException;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GeoLocator} over a MaxMind GeoIP2/GeoLite2 City database. Without a configured file it
 * loads the GeoLite2 City database of 2019-11-19 embedded in
 * {@code org.elasticsearch:geolite2-databases} (about 63 MB, read into memory); a configured file
 * is memory-mapped. Either way lookups are lock-free and do no I/O after opening.
 *
 * <p>This product includes GeoLite2 data created by MaxMind, available from
 * https://www.maxmind.com (CC BY-SA 4.0).
 */
public final class GeoDatabase implements GeoLocator, Closeable {

  /** Classpath resource of the embedded database. */
  public static final String EMBEDDED = "GeoLite2-City.mmdb";

  private static final Logger LOG = LoggerFactory.getLogger(GeoDatabase.class);

  private final DatabaseReader reader;
  private final String source;
  private final String description;

  private GeoDatabase(DatabaseReader reader, String description) {
    this.reader = reader;
    this.source = reader.getMetadata().getDatabaseType();
    this.description = description;
  }

  /** The embedded GeoLite2 City database. */
  public static GeoDatabase embedded() {
    try (InputStream in = GeoDatabase.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new ConfigException("classpath:" + EMBEDDED + ": resource not found (is org.elasticsearch:geolite2-databases on the classpath?)");
      }
      return checked(new DatabaseReader.Builder(in).withCache(new CHMCache()).build(), "classpath:" + EMBEDDED);
    } catch (IOException | RuntimeException e) {
      throw e instanceof ConfigException ce ? ce : new ConfigException("classpath:" + EMBEDDED + ": cannot load: " + e.getMessage(), e);
    }
  }

  /**
   * Opens a City database file, memory-mapped. A missing, unreadable or invalid file, or one that
   * is not a City database, is a {@link ConfigException} naming the file.
   */
  public static GeoDatabase open(String file) {
    File f = new File(file);
    if (!f.isFile() || !f.canRead()) {
      throw new ConfigException(file + ": GeoIP database not found or not readable");
    }
    try {
      return checked(new DatabaseReader.Builder(f).fileMode(Reader.FileMode.MEMORY_MAPPED).withCache(new CHMCache()).build(), file);
    } catch (IOException | RuntimeException e) {
      throw e instanceof ConfigException ce ? ce : new ConfigException(file + ": not a valid GeoIP2 database: " + e.getMessage(), e);
    }
  }

  /** {@link #embedded()} when {@code file} is null or blank, else {@link #open(String)}. */
  public static GeoDatabase openOrEmbedded(String file) {
    return file == null || file.isBlank() ? embedded() : open(file);
  }

  private static GeoDatabase checked(DatabaseReader reader, String where) throws IOException {
    String type = reader.getMetadata().getDatabaseType();
    if (type == null || !type.contains("City")) {
      reader.close();
      throw new ConfigException(where + ": expected a GeoIP2/GeoLite2 City database, got " + type);
    }
    GeoDatabase db = new GeoDatabase(reader, where + " (" + type + ", built " + reader.getMetadata().getBuildDate().toInstant() + ")");
    LOG.info("geoip database {}", db.description);
    return db;
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    return lookup(address).filter(ClientLocation::hasCoordinates);
  }

  /**
   * The City record of {@code address} as a location, even when it has a country but no
   * coordinates (then latitude and longitude are NaN and {@link LocationChain} fills in the
   * country centroid). Empty when the database has no record or neither coordinates nor country.
   */
  public Optional<ClientLocation> lookup(InetAddress address) {
    try {
      Optional<CityResponse> city = reader.tryCity(address);
      if (city.isEmpty()) {
        return Optional.empty();
      }
      CityResponse c = city.get();
      Location loc = c.getLocation();
      boolean coords = loc != null && loc.getLatitude() != null && loc.getLongitude() != null;
      String country = c.getCountry() == null ? null : c.getCountry().getIsoCode();
      if (!coords && country == null) {
        return Optional.empty();
      }
      String continent = c.getContinent() == null ? null : c.getContinent().getCode();
      int prefix = c.getTraits().getNetwork() == null
          ? (address.getAddress().length == 4 ? 32 : 128)
          : c.getTraits().getNetwork().getPrefixLength();
      return Optional.of(new ClientLocation(coords ? loc.getLatitude() : Double.NaN, coords ? loc.getLongitude() : Double.NaN,
          country, continent, null, prefix, source, Cidr.of(address, prefix).toString(), address));
    } catch (Exception e) {
      LOG.debug("geoip lookup of {} failed: {}", address, e.toString());
      return Optional.empty();
    }
  }

  /** Where the database came from, its type and build date. */
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
