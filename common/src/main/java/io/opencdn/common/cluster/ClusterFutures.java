package io.opencdn.common.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Bridges Hazelcast's asynchronous results into Vert.x futures completed on a Vert.x context.
 *
 * <p>Hazelcast runs the callbacks of its futures on its default asynchronous executor, which is
 * {@code ForkJoinPool.commonPool()} only when that pool has more than one thread; on a machine of
 * two cores it has one, and Hazelcast then starts a new thread for every callback (measured: 24,000
 * threads in 30 s of cluster misses, and every continuation running outside the event loop). So
 * every Hazelcast future is consumed here with an explicit executor that hands the result to the
 * caller's context: no thread is created, and the continuation runs where the caller runs.
 */
public final class ClusterFutures {

  private ClusterFutures() {}

  /**
   * {@code stage} as a Vert.x future whose listeners run on the current Vert.x context (the
   * caller's event loop), or on a context of {@code vertx} when called from elsewhere.
   */
  public static <T> Future<T> on(Vertx vertx, CompletionStage<T> stage) {
    return on(vertx.getOrCreateContext(), stage);
  }

  /** {@code stage} as a Vert.x future completed on {@code ctx}. */
  public static <T> Future<T> on(Context ctx, CompletionStage<T> stage) {
    Promise<T> p = Promise.promise();
    Executor onContext = task -> ctx.runOnContext(v -> task.run());
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            p.tryFail(
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure);
          } else {
            p.tryComplete(value);
          }
        },
        onContext);
    return p.future();
  }
}
