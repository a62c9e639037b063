package io.opencdn.origin;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe request counts per request path (without the query string). At most {@link
 * #MAX_PATHS} distinct paths are tracked; requests for further paths count under {@link #OVERFLOW}
 * so a benchmark over millions of names cannot exhaust memory.
 */
public final class RequestCounter {

  public static final int MAX_PATHS = 100_000;
  public static final String OVERFLOW = "(other paths)";

  private final ConcurrentHashMap<String, LongAdder> paths = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  /** Counts one request for {@code path}. */
  public void record(String path) {
    total.increment();
    LongAdder counter = paths.get(path);
    if (counter == null) {
      counter =
          paths.size() >= MAX_PATHS
              ? paths.computeIfAbsent(OVERFLOW, k -> new LongAdder())
              : paths.computeIfAbsent(path, k -> new LongAdder());
    }
    counter.increment();
  }

  /** Requests counted for {@code path} since start or the last reset. */
  public long count(String path) {
    LongAdder counter = paths.get(path);
    return counter == null ? 0 : counter.sum();
  }

  /** All requests counted since start or the last reset. */
  public long total() {
    return total.sum();
  }

  /** A sorted copy of the per-path counts. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    paths.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Forgets all counts. */
  public void reset() {
    paths.clear();
    total.reset();
  }
}
