package io.opencdn.edge.purge;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The purge generation of one edge: a sequence number bumped by every purge, with the recent
 * purges kept so that a fill can ask "was my key purged since I started?" before and after it
 * stores. A fill that began before a purge of its key never leaves its (old) object cached: it
 * captures {@link #current()} when it starts and stores only while
 * {@link #purgedSince(long, CacheKey, CachedResponse)} is false. When more than {@code retained}
 * purges happened meanwhile the answer is conservatively true.
 */
public final class PurgeLog {

  private record Entry(long seq, PurgeRequest request) {}

  private final int retained;
  private final Deque<Entry> recent = new ArrayDeque<>();
  private long seq;

  public PurgeLog(int retained) {
    this.retained = retained;
  }

  /** The current generation; a fill remembers it when it starts. */
  public synchronized long current() {
    return seq;
  }

  /** Records a purge before it is applied to the cache; returns its generation. */
  public synchronized long record(PurgeRequest request) {
    seq++;
    recent.addLast(new Entry(seq, request));
    while (recent.size() > retained) {
      recent.removeFirst();
    }
    return seq;
  }

  /** True when a purge recorded after generation {@code since} covers {@code key}. */
  public synchronized boolean purgedSince(long since, CacheKey key, CachedResponse response) {
    if (seq == since) {
      return false;
    }
    if (recent.isEmpty() || recent.peekFirst().seq() > since + 1) {
      return true;
    }
    for (Entry e : recent) {
      if (e.seq() > since && e.request().matches(key, response)) {
        return true;
      }
    }
    return false;
  }
}
