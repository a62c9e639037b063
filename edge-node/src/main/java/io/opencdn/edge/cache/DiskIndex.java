package io.opencdn.edge.cache;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The disk tier's index of its files ({@link DiskCache}): key to file, size and freshness, in
 * least-recently-used order, with the byte budget enforced by deleting the least recently used
 * files; the secondary keys of {@code Vary} variants per primary key; and the bookkeeping that
 * keeps an invalidated object from coming back: every write of a key gets a stamp when it starts,
 * and a write that ends after an invalidation of its key stamped later does not publish. One lock
 * (this object) guards it all; file deletions happen under it, reads and writes of entries never
 * do.
 */
final class DiskIndex {

  /** An indexed file; {@code verified}: its body is known to match its checksum. */
  record Meta(Path file, long size, long freshUntilMillis, boolean verified) {}

  private final long budgetBytes;
  private final LinkedHashMap<CacheKey, Meta> index = new LinkedHashMap<>(256, 0.75f, true);
  private final LongAdder evictions = new LongAdder();
  private final Consumer<CacheKey> evicted;

  /** Writes in flight per key. */
  private final Map<CacheKey, Integer> writing = new HashMap<>();

  /**
   * Per key being written: the stamp of its latest invalidation. A write started before that stamp
   * must not publish (the object must not come back); one started after it, such as a fill whose
   * own "make way" invalidation raced an older write's end, publishes normally.
   */
  private final Map<CacheKey, Long> invalidatedAt = new HashMap<>();

  /** Stamps of write starts and invalidations. */
  private long writeClock;

  /** Secondary keys in the index per primary key. */
  private final Map<CacheKey, Set<CacheKey>> variants = new HashMap<>();

  private long bytes;

  /**
   * @param evicted told each key dropped to stay within the budget (see {@link
   *     ResponseCache#onEviction})
   */
  DiskIndex(long budgetBytes, Consumer<CacheKey> evicted) {
    this.budgetBytes = budgetBytes;
    this.evicted = evicted;
  }

  /** Adds the files found at start, oldest first; an older file of the same key is deleted. */
  synchronized void load(List<Map.Entry<CacheKey, Meta>> oldestFirst) {
    for (Map.Entry<CacheKey, Meta> e : oldestFirst) {
      Meta old = index.put(e.getKey(), e.getValue());
      if (old != null && !old.file().equals(e.getValue().file())) {
        DiskFiles.delete(
            old.file()); // an older file of the same key (a large entry has a name of its own)
      }
      track(e.getKey());
      bytes += e.getValue().size() - (old == null ? 0 : old.size());
    }
    evictOverBudget();
  }

  /**
   * The file of {@code key} (marked used), or null; an entry more than {@code staleRetentionMillis}
   * past its freshness at {@code nowMillis} is dropped instead.
   */
  synchronized Meta lookup(CacheKey key, long nowMillis, long staleRetentionMillis) {
    Meta meta = index.get(key);
    if (meta != null && nowMillis > meta.freshUntilMillis() + staleRetentionMillis) {
      remove(key);
      return null;
    }
    return meta;
  }

  /** Records that {@code key}'s {@code file} matched its checksum. */
  synchronized void markVerified(CacheKey key, Path file) {
    Meta m = index.get(key);
    if (m != null && m.file().equals(file) && !m.verified()) {
      index.put(key, new Meta(m.file(), m.size(), m.freshUntilMillis(), true));
    }
  }

  /** Drops {@code key} if it is still stored in {@code file} (a file that failed its read). */
  synchronized void dropIfIn(CacheKey key, Path file) {
    Meta now = index.get(key);
    if (now != null && now.file().equals(file)) {
      remove(key);
    }
  }

  /** True while {@code key} is stored in {@code file}. */
  synchronized boolean holds(CacheKey key, Path file) {
    Meta m = index.get(key);
    return m != null && m.file().equals(file);
  }

  /** Starts the bookkeeping of one write of {@code key}; yields its stamp. */
  synchronized long startWriting(CacheKey key) {
    writing.merge(key, 1, Integer::sum);
    return ++writeClock;
  }

  /** Ends the bookkeeping of one write of {@code key}. */
  synchronized void doneWriting(CacheKey key) {
    if (writing.merge(key, -1, Integer::sum) <= 0) {
      writing.remove(key);
      invalidatedAt.remove(key);
    }
  }

  /**
   * Indexes {@code key} in its new {@code file} written by the write stamped {@code started} (the
   * older file of the key, if another, is deleted; the budget is enforced), unless the key was
   * invalidated after that write began: then {@code file} is deleted, and with {@code
   * dropOnInvalidated} the key's current entry too. Yields whether the key is indexed in {@code
   * file} afterwards (it may have been evicted at once).
   */
  synchronized boolean publish(CacheKey key, Meta meta, long started, boolean dropOnInvalidated) {
    if (invalidatedSince(key, started)) {
      DiskFiles.delete(meta.file());
      if (dropOnInvalidated) {
        Meta old = index.remove(key);
        untrack(key);
        bytes -= old == null ? 0 : old.size();
      }
      return false;
    }
    Meta old = index.put(key, meta);
    if (old != null && !old.file().equals(meta.file())) {
      DiskFiles.delete(old.file());
    }
    track(key);
    bytes += meta.size() - (old == null ? 0 : old.size());
    evictOverBudget();
    return index.containsKey(key);
  }

  /**
   * Removes {@code key} and, for a primary key, its variants; writes in flight will not publish.
   */
  synchronized void invalidate(CacheKey key) {
    remove(key);
    if (!key.isVariant()) {
      Set<CacheKey> vs = variants.remove(key);
      if (vs != null) {
        for (CacheKey v : List.copyOf(vs)) {
          remove(v);
        }
      }
      for (CacheKey w : writing.keySet()) {
        if (w.isVariant() && w.primary().equals(key)) {
          invalidatedAt.put(w, ++writeClock);
        }
      }
    }
  }

  /** Removes every key that matches; yields how many. */
  synchronized long purge(Predicate<CacheKey> matching) {
    long removed = 0;
    for (CacheKey k : List.copyOf(index.keySet())) {
      if (matching.test(k)) {
        remove(k);
        removed++;
      }
    }
    return removed;
  }

  synchronized CacheStats stats() {
    return new CacheStats(index.size(), bytes, budgetBytes, evictions.sum());
  }

  private boolean invalidatedSince(CacheKey key, long started) {
    Long at = invalidatedAt.get(key);
    return at != null && at > started;
  }

  /** Deletes least recently used files until the budget holds. */
  private void evictOverBudget() {
    Iterator<Map.Entry<CacheKey, Meta>> it = index.entrySet().iterator();
    while (bytes > budgetBytes && it.hasNext()) {
      Map.Entry<CacheKey, Meta> e = it.next();
      Meta m = e.getValue();
      it.remove();
      untrack(e.getKey());
      bytes -= m.size();
      evictions.increment();
      DiskFiles.delete(m.file());
      evicted.accept(e.getKey());
    }
  }

  /** Drops {@code key} and its file. */
  private void remove(CacheKey key) {
    if (writing.containsKey(key)) {
      invalidatedAt.put(key, ++writeClock);
    }
    Meta m = index.remove(key);
    untrack(key);
    if (m != null) {
      bytes -= m.size();
      DiskFiles.delete(m.file());
    }
  }

  /** Records a secondary key under its primary key. */
  private void track(CacheKey key) {
    if (key.isVariant()) {
      variants.computeIfAbsent(key.primary(), p -> new HashSet<>()).add(key);
    }
  }

  /** Forgets a secondary key. */
  private void untrack(CacheKey key) {
    if (key.isVariant()) {
      variants.computeIfPresent(
          key.primary(),
          (p, set) -> {
            set.remove(key);
            return set.isEmpty() ? null : set;
          });
    }
  }
}
