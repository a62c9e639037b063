package io.opencdn.edge.peer;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cluster.EdgeClusterNames;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's cache directory ({@link EdgeClusterNames#CACHE_DIRECTORY}): which edges hold a
 * fresh copy of which object, with the time each copy turns stale. An edge announces a key after
 * it stored it and withdraws it when it purges it; entries expire with their last holder. The
 * directory is a hint: an edge that evicted an object still listed answers the peer request with
 * 404 and the asking edge moves on to the next holder or the origin.
 */
public final class CacheDirectory {

  private final HazelcastInstance hz;
  private final IMap<String, DirectoryEntry> map;
  private volatile Holder self;
  private final Clock clock;

  /**
   * @param self this edge as a holder (its expiry is ignored); the port may be set later with
   *     {@link #self(Holder)} once the listener is bound
   */
  public CacheDirectory(HazelcastInstance hz, Holder self, Clock clock) {
    this.hz = hz;
    this.map = hz.getMap(EdgeClusterNames.CACHE_DIRECTORY);
    this.self = self;
    this.clock = clock;
  }

  /** Replaces this edge's holder template (after the HTTP listener was bound). */
  public void self(Holder h) {
    this.self = h;
  }

  /** Lists this edge as holding {@code key} until {@code expiresMillis}. */
  public Future<Void> announce(CacheKey key, long expiresMillis) {
    // the current member id: it changes when this member rejoins after a partition
    Holder h = new Holder(self.edgeId(), self.region(), hz.getCluster().getLocalMember().getUuid().toString(),
        self.host(), self.port(), expiresMillis);
    return Future.fromCompletionStage(map.submitToKey(key.toString(), new DirectoryEntry.Add(h, clock.millis()))).mapEmpty();
  }

  /** Removes this edge from the holders of {@code key}. */
  public Future<Void> withdraw(CacheKey key) {
    return Future.fromCompletionStage(map.submitToKey(key.toString(), new DirectoryEntry.Remove(self.edgeId()))).mapEmpty();
  }

  /**
   * Other edges holding a fresh copy of {@code key} that are still cluster members and within
   * {@code scope}: same-region holders first, then the longest-fresh.
   */
  public Future<List<Holder>> peers(CacheKey key, PeerScope scope) {
    if (scope == PeerScope.OFF) {
      return Future.succeededFuture(List.of());
    }
    return Future.fromCompletionStage(map.getAsync(key.toString())).map(entry -> {
      if (entry == null) {
        return List.of();
      }
      long now = clock.millis();
      Set<String> live = hz.getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet());
      return entry.holders().stream()
          .filter(h -> !h.edgeId().equals(self.edgeId()) && h.expiresMillis() > now && live.contains(h.memberUuid()))
          .filter(h -> scope == PeerScope.ANY || h.region().equals(self.region()))
          .sorted(Comparator.comparing((Holder h) -> !h.region().equals(self.region()))
              .thenComparing(Comparator.comparingLong(Holder::expiresMillis).reversed()))
          .toList();
    });
  }

  /** Every holder listed for {@code key}, expired or not (for tests and diagnostics). */
  public Future<List<Holder>> holders(CacheKey key) {
    return Future.fromCompletionStage(map.getAsync(key.toString())).map(e -> e == null ? List.of() : e.holders());
  }
}
