package io.opencdn.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests without fixed sleeps: a future's result within 15 s (or a longer timeout for
 * slow starts such as a cluster joining), or a condition polled until a deadline: {@link #until}
 * fails the test with what was awaited when it runs out, {@link #poll} tells whether it held.
 */
public final class Await {
  /** How long {@link #await(Future)} and {@link #failure(Future)} wait. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private Await() {}

  /** The result of {@code f}, or an {@link AssertionError} when it fails or takes over 15 s. */
  public static <T> T await(Future<T> f) {
    return await(f, DEFAULT_TIMEOUT);
  }

  /**
   * The result of {@code f}, or an {@link AssertionError} when it fails or takes over {@code
   * timeout}.
   */
  public static <T> T await(Future<T> f, Duration timeout) {
    try {
      return f.toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while awaiting a future", e);
    } catch (TimeoutException e) {
      throw new AssertionError("future not completed within " + timeout, e);
    } catch (ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    }
  }

  /** The failure of {@code f}; an {@link AssertionError} when it succeeds or takes over 15 s. */
  public static Throwable failure(Future<?> f) {
    try {
      f.toCompletionStage()
          .toCompletableFuture()
          .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
    throw new AssertionError("future succeeded, a failure was expected");
  }

  /**
   * Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; whether it held
   * (for an assertion with a message of its own). Asked once more at the deadline.
   */
  public static boolean poll(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return condition.getAsBoolean();
  }

  /** Polls {@code condition} every 10 ms until it holds; fails after {@code timeout}. */
  public static void until(Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
