package io.opencdn.edge.http.viewer;

import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.Reader;
import io.opencdn.common.config.ConfigException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The country of a client address, from a MaxMind GeoIP2/GeoLite2 Country or City database: a
 * configured file (memory-mapped), else the GeoLite2 Country database of 2019-11-19 embedded in
 * {@code org.elasticsearch:geolite2-databases} (4 MB, read into memory). Lookups are lock-free and
 * do no I/O; only the ISO code is decoded (and kept by the reader's record cache).
 *
 * <p>This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com
 * (CC BY-SA 4.0).
 */
public final class GeoCountries {

  /** Classpath resource of the embedded database. */
  public static final String EMBEDDED = "GeoLite2-Country.mmdb";

  private static final Logger LOG = LoggerFactory.getLogger(GeoCountries.class);

  private final Reader reader;
  private final String description;

  private GeoCountries(Reader reader, String where) {
    this.reader = reader;
    this.description =
        where
            + " ("
            + reader.getMetadata().getDatabaseType()
            + ", built "
            + reader.getMetadata().getBuildDate().toInstant()
            + ")";
  }

  /**
   * Opens {@code file} (a Country or City database), or the embedded one when null or blank. A
   * missing or invalid file is a {@link ConfigException} naming it.
   */
  public static GeoCountries open(String file) {
    String where = file == null || file.isBlank() ? "classpath:" + EMBEDDED : file;
    try {
      Reader r;
      if (file == null || file.isBlank()) {
        try (InputStream in = GeoCountries.class.getClassLoader().getResourceAsStream(EMBEDDED)) {
          if (in == null) {
            throw new ConfigException(where + ": resource not found");
          }
          r = new Reader(in, new CHMCache());
        }
      } else {
        File f = new File(file);
        if (!f.isFile() || !f.canRead()) {
          throw new ConfigException(file + ": GeoIP database not found or not readable");
        }
        r = new Reader(f, Reader.FileMode.MEMORY_MAPPED, new CHMCache());
      }
      String type = r.getMetadata().getDatabaseType();
      if (type == null || !(type.contains("Country") || type.contains("City"))) {
        r.close();
        throw new ConfigException(
            where + ": expected a GeoIP2/GeoLite2 Country or City database, got " + type);
      }
      GeoCountries g = new GeoCountries(r, where);
      LOG.info("geoRestriction database {}", g.description);
      return g;
    } catch (IOException | RuntimeException e) {
      throw e instanceof ConfigException ce
          ? ce
          : new ConfigException(where + ": not a valid GeoIP2 database: " + e.getMessage(), e);
    }
  }

  /** The ISO 3166-1 alpha-2 country of {@code address}, or null (unknown, private, loopback). */
  public String country(InetAddress address) {
    if (address == null) {
      return null;
    }
    try {
      Record r = reader.get(address, Record.class);
      return r == null || r.country == null ? null : r.country.isoCode;
    } catch (IOException | RuntimeException e) {
      LOG.debug("geoip lookup of {} failed: {}", address, e.toString());
      return null;
    }
  }

  /** Where the database came from, its type and build date. */
  public String description() {
    return description;
  }

  /** The part of a Country or City record read: {@code country.iso_code}. */
  public static final class Record {
    final Country country;

    @MaxMindDbConstructor
    public Record(@MaxMindDbParameter(name = "country") Country country) {
      this.country = country;
    }

    /** {@code country}. */
    public static final class Country {
      final String isoCode;

      @MaxMindDbConstructor
      public Country(@MaxMindDbParameter(name = "iso_code") String isoCode) {
        this.isoCode = isoCode;
      }
    }
  }
}
