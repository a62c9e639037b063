package io.opencdn.dns.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
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
 * loads the GeoLite2 City database of 2019-11-19 embedded in {@code
 * org.elasticsearch:geolite2-databases} (about 63 MB, read into memory); a configured file is
 * memory-mapped. Either way lookups are lock-free and do no I/O after opening.
 *
 * <p>This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com
 * (CC BY-SA 4.0).
 */
public final class GeoDatabase implements GeoLocator, Closeable {

  /** Classpath resource of the embedded database. */
  public static final String EMBEDDED = "GeoLite2-City.mmdb";

  private static final Logger LOG = LoggerFactory.getLogger(GeoDatabase.class);

  /**
   * Decoded records kept by the reader, keyed by their offset in the data section. The reader's
   * default (4096) is far below the number of distinct City records a busy server sees (a GeoLite2
   * City file has about 100k), and a full CHMCache stops caching, so every lookup decoded its
   * record again. A decoded {@link Slim} is about 150 bytes.
   */
  static final int DECODED_RECORDS = 1 << 18;

  private final Reader reader;
  private final String source;
  private final String description;

  private GeoDatabase(Reader reader, String description) {
    this.reader = reader;
    this.source = reader.getMetadata().getDatabaseType();
    this.description = description;
  }

  /** The embedded GeoLite2 City database. */
  public static GeoDatabase embedded() {
    try (InputStream in = GeoDatabase.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
      if (in == null) {
        throw new ConfigException(
            "classpath:"
                + EMBEDDED
                + ": resource not found (is org.elasticsearch:geolite2-databases on the classpath?)");
      }
      return checked(new Reader(in, new CHMCache(DECODED_RECORDS)), "classpath:" + EMBEDDED);
    } catch (IOException | RuntimeException e) {
      throw e instanceof ConfigException ce
          ? ce
          : new ConfigException("classpath:" + EMBEDDED + ": cannot load: " + e.getMessage(), e);
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
      return checked(
          new Reader(f, Reader.FileMode.MEMORY_MAPPED, new CHMCache(DECODED_RECORDS)), file);
    } catch (IOException | RuntimeException e) {
      throw e instanceof ConfigException ce
          ? ce
          : new ConfigException(file + ": not a valid GeoIP2 database: " + e.getMessage(), e);
    }
  }

  /** {@link #embedded()} when {@code file} is null or blank, else {@link #open(String)}. */
  public static GeoDatabase openOrEmbedded(String file) {
    return file == null || file.isBlank() ? embedded() : open(file);
  }

  private static GeoDatabase checked(Reader reader, String where) throws IOException {
    String type = reader.getMetadata().getDatabaseType();
    if (type == null || !type.contains("City")) {
      reader.close();
      throw new ConfigException(where + ": expected a GeoIP2/GeoLite2 City database, got " + type);
    }
    GeoDatabase db =
        new GeoDatabase(
            reader,
            where
                + " ("
                + type
                + ", built "
                + reader.getMetadata().getBuildDate().toInstant()
                + ")");
    LOG.info("geoip database {}", db.description);
    return db;
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    return lookup(address).filter(ClientLocation::hasCoordinates);
  }

  /**
   * The City record of {@code address} as a location, even when it has a country but no coordinates
   * (then latitude and longitude are NaN and {@link LocationChain} fills in the country centroid).
   * Empty when the database has no record or neither coordinates nor country.
   */
  public Optional<ClientLocation> lookup(InetAddress address) {
    try {
      // only the fields we use are decoded (the CHMCache keeps decoded records): a full GeoIP2
      // CityResponse costs about 10 KB of garbage per lookup
      DatabaseRecord<Slim> rec = reader.getRecord(address, Slim.class);
      Slim c = rec == null ? null : rec.getData();
      if (c == null) {
        return Optional.empty();
      }
      Slim.Location loc = c.location;
      boolean coords = loc != null && loc.latitude != null && loc.longitude != null;
      String country = c.country == null ? null : c.country.isoCode;
      if (!coords && country == null) {
        return Optional.empty();
      }
      String continent = c.continent == null ? null : c.continent.code;
      int prefix =
          rec.getNetwork() == null
              ? (address.getAddress().length == 4 ? 32 : 128)
              : rec.getNetwork().getPrefixLength();
      return Optional.of(
          new ClientLocation(
              coords ? loc.latitude : Double.NaN,
              coords ? loc.longitude : Double.NaN,
              country,
              continent,
              null,
              prefix,
              source,
              Cidr.of(address, prefix).toString(),
              address));
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

  /** The part of a City record the lookup reads (decoded by the MaxMind DB reader). */
  public static final class Slim {
    final Location location;
    final Code country;
    final Code continent;

    @MaxMindDbConstructor
    public Slim(
        @MaxMindDbParameter(name = "location") Location location,
        @MaxMindDbParameter(name = "country") Code country,
        @MaxMindDbParameter(name = "continent") Code continent) {
      this.location = location;
      this.country = country;
      this.continent = continent;
    }

    /** {@code location}: coordinates. */
    public static final class Location {
      final Double latitude;
      final Double longitude;

      @MaxMindDbConstructor
      public Location(
          @MaxMindDbParameter(name = "latitude") Double latitude,
          @MaxMindDbParameter(name = "longitude") Double longitude) {
        this.latitude = latitude;
        this.longitude = longitude;
      }
    }

    /**
     * {@code country} / {@code continent}: the ISO code (countries) or the two-letter code
     * (continents).
     */
    public static final class Code {
      final String isoCode;
      final String code;

      @MaxMindDbConstructor
      public Code(
          @MaxMindDbParameter(name = "iso_code") String isoCode,
          @MaxMindDbParameter(name = "code") String code) {
        this.isoCode = isoCode;
        this.code = code;
      }
    }
  }
}
