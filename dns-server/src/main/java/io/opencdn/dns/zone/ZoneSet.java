package io.opencdn.dns.zone;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.DnsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Zone;

/**
 * The authoritative zones, loaded once at start from BIND master files (RFC 1035 5) with
 * dnsjava's {@link Master} and {@link Zone}. Immutable after construction; lookups are
 * thread-safe.
 */
public final class ZoneSet {

  private final List<Zone> zones;

  /** Zones sorted deepest first, so {@link #zoneFor} finds the closest enclosing zone. */
  public ZoneSet(List<Zone> zones) {
    List<Zone> sorted = new ArrayList<>(zones);
    sorted.sort(Comparator.comparingInt((Zone z) -> z.getOrigin().labels()).reversed());
    this.zones = List.copyOf(sorted);
  }

  /**
   * Loads every zone of {@code config}; file names are relative to {@code configLocation}. A
   * missing file, a syntax error or a zone without SOA/NS is a {@link ConfigException} naming
   * the file.
   */
  public static ZoneSet load(List<DnsConfig.ZoneSource> sources, String configLocation) {
    List<Zone> zones = new ArrayList<>();
    for (DnsConfig.ZoneSource source : sources) {
      zones.add(load(source.name(), ConfigLocation.resolve(configLocation, source.file())));
    }
    return new ZoneSet(zones);
  }

  /** Loads one master file for {@code origin}. */
  public static Zone load(Name origin, String location) {
    try (InputStream in = ConfigLocation.open(location)) {
      Master master = new Master(in, origin);
      List<Record> records = new ArrayList<>();
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (!r.getName().subdomain(origin)) {
          throw new ConfigException(location + ": record " + r.getName() + " lies outside the zone " + origin);
        }
        records.add(r);
      }
      return new Zone(origin, records.toArray(new Record[0]));
    } catch (IOException e) {
      throw new ConfigException(location + ": invalid zone " + origin + ": " + e.getMessage(), e);
    }
  }

  /** The deepest zone containing {@code name}, or null when the name is outside all zones. */
  public Zone zoneFor(Name name) {
    for (Zone z : zones) {
      if (name.subdomain(z.getOrigin())) {
        return z;
      }
    }
    return null;
  }

  /** All zones, deepest first. */
  public List<Zone> zones() {
    return zones;
  }
}
