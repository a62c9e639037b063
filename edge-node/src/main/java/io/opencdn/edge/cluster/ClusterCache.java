package io.opencdn.edge.cluster;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.purge.PurgeRequest;
import io.opencdn.edge.cluster.purge.SurrogateIndex;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The edge's cache tier as the cluster sees it: a decorator that keeps the cache directory and the
 * surrogate-key index in step with what is stored. A store records the object's surrogate keys and
 * hands it to {@link ClusterFiller#stored} (purge check, announce, lease release); an object purged
 * during its fill is removed again at once. Invalidating, purging or evicting for space withdraws
 * the keys from the directory.
 */
public final class ClusterCache implements ResponseCache {

  private final ResponseCache delegate;
  private final SurrogateIndex index;
  private final ClusterDirectory directory;
  private final ClusterFiller filler;

  /**
   * @param delegate the edge's tiers
   * @param index the surrogate keys of what is stored
   * @param directory the cluster's cache directory, told what this edge holds
   * @param filler the filler whose fills this cache completes ({@link ClusterFiller#stored})
   */
  public ClusterCache(
      ResponseCache delegate,
      SurrogateIndex index,
      ClusterDirectory directory,
      ClusterFiller filler) {
    this.delegate = delegate;
    this.index = index;
    this.directory = directory;
    this.filler = filler;
    // an object evicted for space is no longer served here: peers stop being sent to this edge
    delegate.onEviction(
        k -> {
          index.remove(k);
          directory.withdraw(k);
        });
  }

  @Override
  public Future<CachedResponse> get(CacheKey key) {
    return delegate.get(key);
  }

  @Override
  public Future<Void> put(CacheKey key, CachedResponse response) {
    // a tier may drop the new entry at once (no room, or its admission policy): then there is no
    // copy to announce (the fill's lease is released when the fill ends)
    return delegate
        .put(key, response)
        .compose(v -> delegate.get(key))
        .compose(
            held -> {
              if (held == null) {
                return Future.succeededFuture();
              }
              index.record(key, response);
              if (!filler.stored(key, response, PurgeRequest.tags(response))) {
                index.remove(key);
                return delegate.invalidate(key);
              }
              return Future.succeededFuture();
            });
  }

  @Override
  public Future<Void> invalidate(CacheKey key) {
    index.remove(key);
    directory.withdraw(key);
    return delegate.invalidate(key);
  }

  @Override
  public Future<Long> purge(Predicate<CacheKey> matching) {
    List<CacheKey> removed = new ArrayList<>();
    return delegate
        .purge(
            k -> {
              boolean m = matching.test(k);
              if (m) {
                synchronized (removed) {
                  removed.add(k);
                }
              }
              return m;
            })
        .onSuccess(
            n -> {
              synchronized (removed) {
                for (CacheKey k : removed) {
                  index.remove(k);
                  directory.withdraw(k);
                }
              }
            });
  }

  /** Applies a cluster purge request to this edge (paths, wildcards and surrogate keys). */
  public Future<Long> purge(PurgeRequest request) {
    return purge(k -> request.matches(k, index.tags(k)));
  }

  @Override
  public CacheStats stats() {
    return delegate.stats();
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }
}
