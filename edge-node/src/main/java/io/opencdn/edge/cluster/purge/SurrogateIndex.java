package io.opencdn.edge.cluster.purge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import java.util.List;

/**
 * The surrogate keys each stored object was stored with (its {@code Surrogate-Key} and {@code
 * Cache-Tag} values), recorded on every store so a purge by key can test cache keys without reading
 * the objects. Bounded ({@code maxEntries}, least recently written dropped first); objects without
 * surrogate keys take no room.
 */
public final class SurrogateIndex {

  private final Cache<CacheKey, List<String>> tags;

  public SurrogateIndex(long maxEntries) {
    this.tags = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run).build();
  }

  /** Records the surrogate keys of {@code response}, stored under {@code key}. */
  public void record(CacheKey key, CachedResponse response) {
    List<String> t = PurgeRequest.tags(response);
    if (t.isEmpty()) {
      tags.invalidate(key);
    } else {
      tags.put(key, t);
    }
  }

  /** The surrogate keys of {@code key}, empty when none are known. */
  public List<String> tags(CacheKey key) {
    List<String> t = tags.getIfPresent(key);
    return t == null ? List.of() : t;
  }

  /** Forgets {@code key}. */
  public void remove(CacheKey key) {
    tags.invalidate(key);
  }
}
