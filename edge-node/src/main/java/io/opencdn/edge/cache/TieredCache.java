package io.opencdn.edge.cache;

import io.vertx.core.Future;
import java.util.function.Predicate;

/**
 * Memory in front of disk: a lookup tries the memory tier, then the disk tier (and copies a disk
 * hit into memory); a store goes to both; invalidations and purges reach both. The disk tier holds
 * the larger working set and survives restarts; the memory tier keeps the hot part. A disk entry
 * whose body stays in its file ({@link CachedResponse#bodyFile()}, a large object) is never copied
 * into memory.
 */
public final class TieredCache implements ResponseCache {

  private final ResponseCache memory;
  private final ResponseCache disk;

  public TieredCache(ResponseCache memory, ResponseCache disk) {
    this.memory = memory;
    this.disk = disk;
  }

  @Override
  public Future<CachedResponse> get(CacheKey key) {
    return memory
        .get(key)
        .compose(
            r ->
                r != null
                    ? Future.succeededFuture(r)
                    : disk.get(key)
                        .compose(
                            d ->
                                d == null || d.bodyFile() != null
                                    ? Future.succeededFuture(d)
                                    : memory.put(key, d).map(d)));
  }

  /**
   * Completes once the memory tier holds the response; the disk write continues in the background.
   */
  @Override
  public Future<Void> put(CacheKey key, CachedResponse response) {
    disk.put(key, response);
    return memory.put(key, response);
  }

  @Override
  public Future<Void> invalidate(CacheKey key) {
    return memory.invalidate(key).compose(v -> disk.invalidate(key));
  }

  @Override
  public Future<Long> purge(Predicate<CacheKey> matching) {
    return memory.purge(matching).compose(m -> disk.purge(matching).map(d -> Math.max(m, d)));
  }

  /** Evictions of the disk tier, which holds everything the memory tier holds. */
  @Override
  public void onEviction(java.util.function.Consumer<CacheKey> listener) {
    disk.onEviction(listener);
  }

  /** Entries and bytes of the disk tier (a superset of memory), evictions of both. */
  @Override
  public CacheStats stats() {
    CacheStats m = memory.stats();
    CacheStats d = disk.stats();
    return new CacheStats(
        Math.max(m.entries(), d.entries()),
        m.bytes() + d.bytes(),
        m.budgetBytes() + d.budgetBytes(),
        m.evictions() + d.evictions());
  }

  /** The memory tier. */
  public ResponseCache memory() {
    return memory;
  }

  /** The disk tier. */
  public ResponseCache disk() {
    return disk;
  }

  @Override
  public Future<Void> close() {
    return memory.close().compose(v -> disk.close());
  }
}
