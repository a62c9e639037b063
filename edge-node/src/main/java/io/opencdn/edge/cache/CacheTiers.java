package io.opencdn.edge.cache;

import io.opencdn.edge.config.CacheConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The cache tiers of one edge, as the stages that use them need them: {@code cache}, where requests
 * are looked up and fills stored (memory, or memory in front of disk, possibly decorated by the
 * cluster), and {@code largeObjects}, the disk tier that responses over {@code maxObjectBytes} are
 * streamed into as disk-only entries (null without a disk tier).
 *
 * @param cache the tier requests go through
 * @param largeObjects the disk tier of large objects, or null
 */
public record CacheTiers(ResponseCache cache, DiskCache largeObjects) {

  /** One tier without a disk tier for large objects (e.g. the memory tier alone). */
  public static CacheTiers of(ResponseCache cache) {
    return new CacheTiers(cache, null);
  }

  /** Memory in front of disk; large objects go to {@code disk}. */
  public static CacheTiers tiered(MemoryCache memory, DiskCache disk) {
    return new CacheTiers(new TieredCache(memory, disk), disk);
  }

  /**
   * The tiers of {@code config}: memory, plus a disk tier behind it when {@code diskPath} is set
   * (its index is rebuilt from the files there, so this blocks while it reads them).
   */
  public static CacheTiers of(Vertx vertx, CacheConfig config, Clock clock) {
    MemoryCache memory = new MemoryCache(config.memoryBytes(), clock);
    if (config.diskPath() == null) {
      return of(memory);
    }
    return tiered(
        memory,
        new DiskCache(
            vertx,
            Path.of(config.diskPath()),
            config.diskBytes(),
            clock,
            MemoryCache.DEFAULT_STALE_RETENTION_MILLIS,
            config.maxObjectBytes()));
  }

  /** The same tiers seen through {@code decorated} (which must delegate to {@link #cache}). */
  public CacheTiers through(ResponseCache decorated) {
    return new CacheTiers(decorated, largeObjects);
  }
}
