package io.opencdn.edge.fill;

import io.opencdn.edge.cache.CacheKey;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ordered fillers of a cache fill: the origin last, and anything added with
 * {@link #addFirst} (e.g. a peer edge of the cluster) before it. The first filler that answers
 * wins; a filler that declines ({@code null}) or fails hands over to the next one, and the
 * origin's answer or error is final.
 */
public final class FillerChain implements Filler {

  private final CopyOnWriteArrayList<Filler> fillers = new CopyOnWriteArrayList<>();

  /** A chain ending with {@code origin}. */
  public FillerChain(Filler origin) {
    fillers.add(origin);
  }

  /** Puts {@code filler} in front of the others (call before the edge serves traffic). */
  public FillerChain addFirst(Filler filler) {
    fillers.add(0, filler);
    return this;
  }

  /** The fillers in the order they are asked. */
  public List<Filler> fillers() {
    return List.copyOf(fillers);
  }

  @Override
  public Future<OriginResponse> fetch(CacheKey key, OriginRequest request) {
    return fetch(fillers(), 0, key, request);
  }

  private static Future<OriginResponse> fetch(List<Filler> chain, int i, CacheKey key, OriginRequest request) {
    Future<OriginResponse> f = chain.get(i).fetch(key, request);
    if (i == chain.size() - 1) {
      return f.compose(r -> r != null ? Future.succeededFuture(r)
          : Future.failedFuture(new FillException(FillException.Kind.CONNECT, "no filler answered", null)));
    }
    return f.transform(ar -> ar.succeeded() && ar.result() != null ? Future.succeededFuture(ar.result())
        : fetch(chain, i + 1, key, request));
  }
}
