package io.opencdn.dns.geo;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A reloadable {@link CoverageZones} file. {@link #reloadIfChanged()} (called periodically on a
 * worker thread) re-reads the file when its modification time or size changed and swaps the table
 * atomically; a file that no longer parses keeps the previous table and logs the error. Lookups are
 * a volatile read plus the table lookup.
 */
public final class CoverageFile implements GeoLocator, Coverage {

  private static final Logger LOG = LoggerFactory.getLogger(CoverageFile.class);

  private final String location;
  private final AtomicReference<CoverageZones> table = new AtomicReference<>();
  private volatile String stamp;

  /**
   * Loads {@code location} (a path or {@code classpath:NAME}); errors are {@link ConfigException}s.
   */
  public CoverageFile(String location) {
    this.location = location;
    this.stamp = stamp();
    table.set(read());
    LOG.info("coverage zones {}: {} networks", location, table.get().zones().size());
  }

  private CoverageZones read() {
    try (InputStream in = ConfigLocation.open(location)) {
      return CoverageZones.parse(in, location);
    } catch (java.io.IOException e) {
      throw new ConfigException(location + ": cannot read: " + e.getMessage(), e);
    }
  }

  private String stamp() {
    if (location.startsWith(ConfigLocation.CLASSPATH)) {
      return "classpath";
    }
    try {
      Path p = Path.of(location);
      return Files.getLastModifiedTime(p).toMillis() + "/" + Files.size(p);
    } catch (java.io.IOException e) {
      return "missing";
    }
  }

  /** Re-reads the file when it changed; returns true when a new table was installed. */
  public boolean reloadIfChanged() {
    String now = stamp();
    if (now.equals(stamp)) {
      return false;
    }
    stamp = now;
    try {
      CoverageZones next = read();
      table.set(next);
      LOG.info("coverage zones {} reloaded: {} networks", location, next.zones().size());
      return true;
    } catch (ConfigException e) {
      LOG.warn(
          "coverage zones not reloaded, keeping the previous {} networks: {}",
          table.get().zones().size(),
          e.getMessage());
      return false;
    }
  }

  /** The current table. */
  @Override
  public CoverageZones current() {
    return table.get();
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    return table.get().locate(address);
  }

  /** Where the file is. */
  public String location() {
    return location;
  }
}
