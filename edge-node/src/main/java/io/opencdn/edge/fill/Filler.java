package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;

/**
 * One source a cache fill can come from: the origin, or (cluster) a peer edge that may hold the
 * object. A {@link FillerChain} asks its fillers in order.
 *
 * <p>A filler answers with an {@link OriginResponse} whose headers have arrived and whose body is
 * still paused; a succeeded {@code null} result means "not here, ask the next one"; a failed future
 * ({@link FillException}) ends the fill with that error unless a later filler answers.
 */
@FunctionalInterface
public interface Filler {

  /**
   * Fetches {@code request} (the request the edge would send to the origin, with conditionals for a
   * revalidation) for the cache entry {@code key}.
   */
  Future<OriginResponse> fetch(CacheKey key, OriginRequest request);
}
