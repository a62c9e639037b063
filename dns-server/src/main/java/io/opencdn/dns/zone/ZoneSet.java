package io.opencdn.dns.zone;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.ZoneSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The authoritative zones, loaded from BIND master files (RFC 1035 5) with dnsjava's {@link Master}
 * into immutable {@link ZoneData} indexes. Immutable; lookups are thread-safe and lock-free. A
 * reload builds a new {@code ZoneSet} and swaps it in whole.
 */
public final class ZoneSet {

  private final List<ZoneData> zones;

  /** Zones sorted deepest first, so {@link #zoneFor} finds the closest enclosing zone. */
  public ZoneSet(List<ZoneData> zones) {
    List<ZoneData> sorted = new ArrayList<>(zones);
    sorted.sort(Comparator.comparingInt((ZoneData z) -> z.origin().labels()).reversed());
    this.zones = List.copyOf(sorted);
  }

  /**
   * Loads every zone of {@code config}; file names are relative to {@code configLocation}. A
   * missing file, a syntax error or a zone without SOA/NS is a {@link ConfigException} naming the
   * file.
   */
  public static ZoneSet load(List<ZoneSource> sources, String configLocation) {
    List<ZoneData> zones = new ArrayList<>();
    for (ZoneSource source : sources) {
      zones.add(load(source.name(), ConfigLocation.resolve(configLocation, source.file())));
    }
    return new ZoneSet(zones);
  }

  /** Loads one master file for {@code origin}. */
  public static ZoneData load(Name origin, String location) {
    List<Record> records = new ArrayList<>();
    try (InputStream in = ConfigLocation.open(location)) {
      Master master = new Master(in, origin);
      for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
        if (!r.getName().subdomain(origin)) {
          throw new ConfigException(
              location + ": record " + r.getName() + " lies outside the zone " + origin);
        }
        records.add(r);
      }
    } catch (IOException e) {
      throw new ConfigException(location + ": invalid zone " + origin + ": " + e.getMessage(), e);
    }
    try {
      return new ZoneData(origin, records);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(location + ": invalid zone " + origin + ": " + e.getMessage(), e);
    }
  }

  /** The deepest zone containing {@code name}, or null when the name is outside all zones. */
  public ZoneData zoneFor(Name name) {
    for (ZoneData z : zones) {
      if (name.subdomain(z.origin())) {
        return z;
      }
    }
    return null;
  }

  /** All zones, deepest first. */
  public List<ZoneData> zones() {
    return zones;
  }
}
