package io.opencdn.edge.cluster.purge;

import io.opencdn.edge.cache.CacheKey;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;

/**
 * The purge generation of one edge: a sequence number bumped by every purge, with the recent purges
 * kept so that a fill can ask "was my key purged since I started?" before and after it stores. A
 * fill that began before a purge of its key never leaves its (old) object cached: it captures
 * {@link #current()} when it starts and stores only while {@link #purgedSince(long, CacheKey,
 * Collection)} is false. When more than {@code retained} purges happened meanwhile the answer is
 * conservatively true.
 */
public final class PurgeLog {

  private record Entry(long seq, PurgeRequest request) {}

  private final int retained;
  private final Deque<Entry> recent = new ArrayDeque<>();
  private long seq;
  private long droppedCreatedMillis = Long.MIN_VALUE;

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
      droppedCreatedMillis =
          Math.max(droppedCreatedMillis, recent.removeFirst().request().createdMillis());
    }
    return seq;
  }

  /**
   * The purges recorded that were created at or after {@code sinceMillis}, newest first, at most
   * {@code max} (the status page's invalidations in progress).
   */
  public synchronized java.util.List<PurgeRequest> recent(long sinceMillis, int max) {
    java.util.List<PurgeRequest> out = new java.util.ArrayList<>();
    java.util.Iterator<Entry> it = recent.descendingIterator();
    while (it.hasNext() && out.size() < max) {
      PurgeRequest r = it.next().request();
      if (r.createdMillis() >= sinceMillis) {
        out.add(r);
      }
    }
    return out;
  }

  /** True when a purge recorded after generation {@code since} covers {@code key}. */
  public synchronized boolean purgedSince(long since, CacheKey key, Collection<String> tags) {
    if (seq == since) {
      return false;
    }
    if (recent.isEmpty() || recent.peekFirst().seq() > since + 1) {
      return true;
    }
    for (Entry e : recent) {
      if (e.seq() > since && e.request().matches(key, tags)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when a purge issued at or after {@code bornMillis} covers {@code key}: a copy fetched from
   * the origin at {@code bornMillis} (perhaps by a peer that has not purged yet) is outdated.
   */
  public synchronized boolean purgedAfter(long bornMillis, CacheKey key, Collection<String> tags) {
    if (bornMillis <= droppedCreatedMillis) {
      return true;
    }
    for (Entry e : recent) {
      if (e.request().createdMillis() >= bornMillis && e.request().matches(key, tags)) {
        return true;
      }
    }
    return false;
  }
}
