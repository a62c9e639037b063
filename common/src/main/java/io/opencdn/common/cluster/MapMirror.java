package io.opencdn.common.cluster;

import com.hazelcast.map.IMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A local copy of the entries of a {@code String -> String} cluster map whose keys pass a filter,
 * kept from the map's entry events after a first read (added and updated entries copied; removed,
 * evicted and expired ones dropped; a cleared map empties it). Reads never block; what the copy
 * holds is not checked here: its reader checks each record's tag and expiry when it uses it.
 */
public final class MapMirror {

  private final Map<String, String> entries = new ConcurrentHashMap<>();
  private final Predicate<String> keys;

  /** A mirror of the entries whose key passes {@code keys}. */
  public MapMirror(Predicate<String> keys) {
    this.keys = keys;
  }

  /**
   * Starts listening to {@code map} and copies what it holds now; blocks on the cluster (call it
   * off the event loops). Yields the listener's id, for {@link IMap#removeEntryListener}.
   */
  public UUID follow(IMap<String, String> map) {
    UUID id =
        map.addEntryListener(
            new EntryChanges<String, String>(this::put, entries::remove, entries::clear), true);
    map.forEach(this::put);
    return id;
  }

  /** The value copied for {@code key}, or null. */
  public String get(String key) {
    return entries.get(key);
  }

  /**
   * Takes one entry (as read, or from an event); anything but a String pair passing the filter is
   * ignored.
   */
  public void put(Object key, Object value) {
    if (key instanceof String k && value instanceof String v && keys.test(k)) {
      entries.put(k, v);
    }
  }
}
