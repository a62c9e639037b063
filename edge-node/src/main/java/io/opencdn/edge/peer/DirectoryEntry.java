package io.opencdn.edge.peer;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The value of one cache-directory entry: the holders of a key by edge id. Updated in place on
 * the owning partition with the entry processors below, so concurrent edges never overwrite
 * each other; the entry's Hazelcast TTL follows the latest expiry among its holders.
 */
public final class DirectoryEntry implements Serializable {

  private final HashMap<String, Holder> holders;

  DirectoryEntry(Map<String, Holder> holders) {
    this.holders = new HashMap<>(holders);
  }

  /** The holders, in no order. */
  public List<Holder> holders() {
    return List.copyOf(holders.values());
  }

  /** Adds or refreshes one holder and drops expired ones. */
  record Add(Holder holder, long nowMillis) implements EntryProcessor<String, DirectoryEntry, Void> {
    @Override
    public Void process(Map.Entry<String, DirectoryEntry> entry) {
      Map<String, Holder> h = entry.getValue() == null ? new HashMap<>() : new HashMap<>(entry.getValue().holders);
      h.values().removeIf(x -> x.expiresMillis() <= nowMillis);
      h.put(holder.edgeId(), holder);
      long ttl = h.values().stream().mapToLong(Holder::expiresMillis).max().orElse(nowMillis) - nowMillis;
      ((ExtendedMapEntry<String, DirectoryEntry>) entry).setValue(new DirectoryEntry(h), Math.max(1000, ttl),
          TimeUnit.MILLISECONDS);
      return null;
    }
  }

  /** Removes one edge from the holders; removes the entry when none is left. */
  record Remove(String edgeId) implements EntryProcessor<String, DirectoryEntry, Void> {
    @Override
    public Void process(Map.Entry<String, DirectoryEntry> entry) {
      if (entry.getValue() == null || !entry.getValue().holders.containsKey(edgeId)) {
        return null;
      }
      Map<String, Holder> h = new HashMap<>(entry.getValue().holders);
      h.remove(edgeId);
      if (h.isEmpty()) {
        entry.setValue(null);
      } else {
        ((ExtendedMapEntry<String, DirectoryEntry>) entry).setValueWithoutChangingExpiryTime(new DirectoryEntry(h));
      }
      return null;
    }
  }
}
