package io.opencdn.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the CDN's Hazelcast cluster on a thread of its own and keeps trying until it has joined: a
 * member never gives up because the cluster was slow to answer (a busy host, members starting at
 * the same time). The process starts its listeners meanwhile and reports "not ready" until {@link
 * #joined()} completes.
 *
 * <p>Each attempt starts a Hazelcast member that may take {@link Timing#attempt()} to join ({@code
 * hazelcast.max.join.seconds}); when nobody answers at the member addresses (connections refused or
 * timed out) Hazelcast forms a cluster of this member alone at once, as before, and the split-brain
 * merge ({@link ClusterNode}) later merges clusters formed apart. An attempt that did not join is
 * logged with what answered at each member address ({@link MemberProbe}) and followed by another
 * after a back-off that doubles from {@link Timing#firstBackoff()} to {@link Timing#maxBackoff()};
 * while an attempt runs, progress is logged every {@link Timing#progressEvery()}. Failure detection
 * of joined members (heartbeats, the deadline failure detector) is not affected: it is set from
 * {@link ClusterConfig} as before.
 *
 * <p>Any other start failure (the bind address cannot be used, an invalid setting) ends the join:
 * {@link #joined()} completes exceptionally and the process should stop with that message.
 *
 * <pre>{@code
 * ClusterJoin join = ClusterJoin.start(cfg.cluster(), "edge-eu-west", false, ClusterJoin.Timing.DEFAULT);
 * // ... listeners up, health answering 503 ...
 * HazelcastInstance hz = join.await();
 * }</pre>
 */
public final class ClusterJoin implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);
  private static final String JOIN_FAILED = "Node failed to start!";

  /**
   * Join timing.
   *
   * @param attempt how long one attempt may wait for the cluster to let it join
   * @param firstBackoff pause after the first failed attempt; doubled after each further one
   * @param maxBackoff longest pause between attempts
   * @param progressEvery how often a running attempt logs that it is still joining
   */
  public record Timing(
      Duration attempt, Duration firstBackoff, Duration maxBackoff, Duration progressEvery) {
    /** 60 s per attempt, back-off 1 s doubling up to 30 s, progress every 15 s. */
    public static final Timing DEFAULT =
        new Timing(
            Duration.ofSeconds(ClusterNode.JOIN_ATTEMPT_SECONDS),
            Duration.ofSeconds(1),
            Duration.ofSeconds(30),
            Duration.ofSeconds(15));

    public Timing {
      if (attempt.toSeconds() < 1
          || firstBackoff.isNegative()
          || maxBackoff.compareTo(firstBackoff) < 0
          || progressEvery.toMillis() < 100) {
        throw new IllegalArgumentException(
            "join timing: attempt >= 1 s, 0 <= firstBackoff <= maxBackoff, progressEvery >= 100 ms");
      }
    }
  }

  private final ClusterConfig cfg;
  private final String instanceName;
  private final boolean lite;
  private final Timing timing;
  private final MemberProbe probe = new MemberProbe(500);
  private final CompletableFuture<HazelcastInstance> joined = new CompletableFuture<>();
  private final long startNanos = System.nanoTime();
  private final Object lock = new Object();
  private final Thread thread;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile int attempts;
  private volatile long attemptStartNanos;

  /** The member of the running attempt, known before it has joined (so close() can stop it). */
  private HazelcastInstance starting;

  private ClusterJoin(ClusterConfig cfg, String instanceName, boolean lite, Timing timing) {
    this.cfg = cfg;
    this.instanceName = instanceName;
    this.lite = lite;
    this.timing = timing;
    this.thread = new Thread(this::run, "cluster-join");
    thread.setDaemon(true);
  }

  /** Starts joining {@code cfg}'s cluster in the background. */
  public static ClusterJoin start(
      ClusterConfig cfg, String instanceName, boolean liteMember, Timing timing) {
    ClusterJoin join = new ClusterJoin(cfg, instanceName, liteMember, timing);
    join.thread.start();
    return join;
  }

  /**
   * Completes with the member once it has joined (or formed) the cluster; completes exceptionally
   * when the member cannot start at all, or with a {@link CancellationException} after {@link
   * #close()}.
   */
  public CompletableFuture<HazelcastInstance> joined() {
    return joined;
  }

  /** Blocks until the member has joined; rethrows what ended the join. */
  public HazelcastInstance await() throws InterruptedException {
    try {
      return joined.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }

  /** True once the member has joined. */
  public boolean isJoined() {
    return joined.isDone() && !joined.isCompletedExceptionally();
  }

  /** Attempts started so far. */
  public int attempts() {
    return attempts;
  }

  /** One line for health endpoints and logs: joined, or joining for how long, which attempt. */
  public String status() {
    if (isJoined()) {
      return "joined cluster "
          + cfg.name()
          + " ("
          + joined.join().getCluster().getMembers().size()
          + " members)";
    }
    if (joined.isDone()) {
      return "not joining cluster " + cfg.name() + (closed ? " (stopped)" : " (failed)");
    }
    return "joining cluster "
        + cfg.name()
        + " for "
        + seconds(startNanos)
        + " s (attempt "
        + Math.max(1, attempts)
        + ")";
  }

  /**
   * Stops trying: a joined member shuts down gracefully (it leaves the cluster, its partitions move
   * to the others), a member still joining is terminated.
   */
  @Override
  public void close() {
    closed = true;
    stop.countDown();
    joined.cancel(false);
    if (isJoined()) {
      joined.join().shutdown();
      return;
    }
    HazelcastInstance hz;
    synchronized (lock) {
      hz = starting;
    }
    if (hz != null) {
      terminate(hz);
    }
  }

  private static void terminate(HazelcastInstance hz) {
    try {
      hz.getLifecycleService().terminate();
    } catch (RuntimeException e) {
      // a member still being constructed cannot stop yet; the join thread stops it once it returns
      LOG.debug("cannot stop the joining member yet: {}", e.toString());
    }
  }

  private void run() {
    ClusterNode.useAsyncPool();
    long backoff = timing.firstBackoff().toMillis();
    while (!closed) {
      attempts++;
      attemptStartNanos = System.nanoTime();
      Thread progress = progressLogger(attempts);
      try {
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(config());
        progress.interrupt();
        if (closed || !joined.complete(hz)) {
          terminate(hz);
          return;
        }
        LOG.info(
            "joined cluster {} after {} s (attempt {}): {} members {}",
            cfg.name(),
            seconds(startNanos),
            attempts,
            hz.getCluster().getMembers().size(),
            hz.getCluster().getMembers().stream().map(m -> m.getAddress().toString()).toList());
        return;
      } catch (RuntimeException e) {
        progress.interrupt();
        if (closed) {
          return;
        }
        if (!(e instanceof IllegalStateException) || !JOIN_FAILED.equals(e.getMessage())) {
          LOG.error("cluster {}: the member cannot start: {}", cfg.name(), e.toString());
          joined.completeExceptionally(e);
          return;
        }
        LOG.warn(
            "cluster {}: attempt {} did not join within {} s ({}); this process keeps running and tries again in {} ms",
            cfg.name(),
            attempts,
            seconds(attemptStartNanos),
            probe.describe(addresses(), self()),
            backoff);
      } finally {
        synchronized (lock) {
          starting = null;
        }
      }
      try {
        if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      backoff = Math.min(timing.maxBackoff().toMillis(), Math.max(1, backoff * 2));
    }
  }

  private Config config() {
    Config config = ClusterNode.hazelcastConfig(cfg, instanceName, lite);
    config.setProperty("hazelcast.max.join.seconds", String.valueOf(timing.attempt().toSeconds()));
    config.addListenerConfig(new ListenerConfig(new Watcher()));
    return config;
  }

  /**
   * Logs every {@code progressEvery} that attempt {@code n} is still joining, with what answered.
   */
  private Thread progressLogger(int n) {
    Thread t =
        new Thread(
            () -> {
              try {
                while (!joined.isDone()) {
                  Thread.sleep(timing.progressEvery().toMillis());
                  if (joined.isDone() || closed) {
                    return;
                  }
                  LOG.info(
                      "cluster {}: still joining after {} s (attempt {}); {}",
                      cfg.name(),
                      seconds(attemptStartNanos),
                      n,
                      probe.describe(addresses(), self()));
                }
              } catch (InterruptedException e) {
                // the attempt ended
              }
            },
            "cluster-join-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private List<String> addresses() {
    return ClusterNode.expand(cfg.members());
  }

  private String self() {
    return cfg.bind().host() + ":" + cfg.bind().port();
  }

  private static long seconds(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
  }

  /** Learns the member of an attempt before it has joined, so that {@link #close()} can stop it. */
  private final class Watcher implements LifecycleListener, HazelcastInstanceAware {
    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
      synchronized (lock) {
        starting = hz;
      }
    }

    @Override
    public void stateChanged(LifecycleEvent event) {
      // only the instance is needed
    }
  }
}
