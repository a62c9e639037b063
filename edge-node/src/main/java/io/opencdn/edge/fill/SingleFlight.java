package io.opencdn.edge.fill;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Request collapsing within one node: the first caller for a key becomes the leader and does the
 * work; callers arriving while it is in flight wait for the leader's result instead of starting
 * their own. The key is released as soon as the leader completes.
 *
 * @param <K> key type
 * @param <V> result type shared with the waiters
 */
public final class SingleFlight<K, V> {

  private final ConcurrentMap<K, Promise<V>> inFlight = new ConcurrentHashMap<>();

  /**
   * A caller's place in a flight.
   *
   * @param leader true for the caller that must do the work and {@link #complete} the flight
   * @param result the shared result (for waiters; the leader already knows it)
   */
  public record Flight<K, V>(boolean leader, Future<V> result, K key, SingleFlight<K, V> owner) {

    /** Called by the leader exactly once: hands {@code value} to the waiters and frees the key. */
    public void complete(V value) {
      owner.finish(key, value);
    }
  }

  /** Joins the flight for {@code key}, becoming its leader when there is none. */
  public Flight<K, V> join(K key) {
    Promise<V> created = Promise.promise();
    Promise<V> existing = inFlight.putIfAbsent(key, created);
    return existing == null
        ? new Flight<>(true, created.future(), key, this)
        : new Flight<>(false, existing.future(), key, this);
  }

  /** The result of the flight of {@code key} running now, or null when none runs. */
  public Future<V> inFlight(K key) {
    Promise<V> p = inFlight.get(key);
    return p == null ? null : p.future();
  }

  /** Number of keys currently in flight. */
  public int size() {
    return inFlight.size();
  }

  private void finish(K key, V value) {
    Promise<V> p = inFlight.remove(key);
    if (p != null) {
      p.tryComplete(value);
    }
  }
}
