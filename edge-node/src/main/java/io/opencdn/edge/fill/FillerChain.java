package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;
import java.util.List;

/**
 * The ordered fillers of a cache fill, fixed when the edge is built: standalone the origin alone,
 * in a cluster the cluster filler (peers and the cluster-wide lease, wrapping the origin). The
 * first filler that answers wins; a filler that declines ({@code null}) or fails hands over to the
 * next one, and the last one's answer or error is final (a {@code null} from it is a {@link
 * FillException.Kind#CONNECT} error).
 */
public final class FillerChain implements Filler {

  private final List<Filler> fillers;

  /** A chain asking {@code fillers} in order, the origin (or what wraps it) last. */
  public FillerChain(Filler... fillers) {
    if (fillers.length == 0) {
      throw new IllegalArgumentException("a filler chain needs at least the origin");
    }
    this.fillers = List.of(fillers);
  }

  @Override
  public Future<OriginResponse> fetch(CacheKey key, OriginRequest request) {
    return fetch(0, key, request);
  }

  private Future<OriginResponse> fetch(int i, CacheKey key, OriginRequest request) {
    Future<OriginResponse> f = fillers.get(i).fetch(key, request);
    if (i == fillers.size() - 1) {
      return f.compose(
          r ->
              r != null
                  ? Future.succeededFuture(r)
                  : Future.failedFuture(
                      new FillException(FillException.Kind.CONNECT, "no filler answered", null)));
    }
    return f.transform(
        ar ->
            ar.succeeded() && ar.result() != null
                ? Future.succeededFuture(ar.result())
                : fetch(i + 1, key, request));
  }
}
