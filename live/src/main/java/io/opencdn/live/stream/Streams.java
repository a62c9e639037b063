package io.opencdn.live.stream;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live streams on this edge by name, created on first use with the same chunk size and GOP
 * bound.
 */
public final class Streams {

  private final ConcurrentHashMap<String, LiveStream> byName = new ConcurrentHashMap<>();
  private final int chunkSize;
  private final long gopCacheBytes;
  private final Clock clock;

  public Streams(int chunkSize, long gopCacheBytes, Clock clock) {
    this.chunkSize = chunkSize;
    this.gopCacheBytes = gopCacheBytes;
    this.clock = clock;
  }

  /** The stream named {@code name}, or null. */
  public LiveStream get(String name) {
    return byName.get(name);
  }

  /** The stream named {@code name}, created when absent. */
  public LiveStream getOrCreate(String name) {
    return byName.computeIfAbsent(name, n -> new LiveStream(n, chunkSize, gopCacheBytes, clock));
  }

  /** Removes {@code stream} if it is still the one under its name. */
  public boolean remove(LiveStream stream) {
    return byName.remove(stream.name(), stream);
  }

  /** Every stream now. */
  public Collection<LiveStream> all() {
    return List.copyOf(byName.values());
  }
}
