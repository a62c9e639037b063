package io.opencdn.edge.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the session ticket keys: time is cut into epochs of {@code rotationSeconds} (epoch =
 * wall-clock seconds / rotation, so edges agree without talking); the key of the current epoch
 * issues tickets, the previous one's and the next one's still decrypt them (a ticket lives up to
 * two epochs; an edge whose clock runs a little ahead issues tickets the others accept). Every
 * {@link #CHECK_MILLIS} (and at once on {@link #start}) it asks the {@link TicketKeyStore} and
 * installs what it yields in the listener's {@link TicketKeys}; a failed read keeps the keys
 * installed and is retried at the next check.
 */
public final class TicketKeyRotation {

  /** How often the store is read. */
  public static final long CHECK_MILLIS = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(TicketKeyRotation.class);

  private final Vertx vertx;
  private final Clock clock;
  private final long rotationSeconds;
  private final TicketKeyStore store;
  private final TicketKeys keys;
  private volatile long timer = -1;
  private volatile long installedEpoch = Long.MIN_VALUE;
  private volatile boolean warned;

  public TicketKeyRotation(
      Vertx vertx, Clock clock, long rotationSeconds, TicketKeyStore store, TicketKeys keys) {
    this.vertx = vertx;
    this.clock = clock;
    this.rotationSeconds = rotationSeconds;
    this.store = store;
    this.keys = keys;
  }

  /**
   * Installs the current keys (the future completes once they are in), then checks periodically.
   */
  public Future<Void> start() {
    Future<Void> first = check();
    timer = vertx.setPeriodic(CHECK_MILLIS, id -> check());
    return first.recover(t -> Future.succeededFuture());
  }

  /** Stops checking. */
  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The epoch whose key issues tickets now. */
  public long epoch() {
    return Math.floorDiv(clock.millis() / 1000, rotationSeconds);
  }

  /** The epoch of the key installed last to issue tickets, or {@link Long#MIN_VALUE}. */
  public long installedEpoch() {
    return installedEpoch;
  }

  /** Reads the store once and installs its keys: current first, then previous and next. */
  public Future<Void> check() {
    long e = epoch();
    return store
        .keys(e, 3 * rotationSeconds)
        .map(
            found -> {
              install(e, found);
              return (Void) null;
            })
        .onFailure(
            t -> {
              if (!warned) {
                warned = true;
                LOG.warn(
                    "session ticket keys not read ({}); keeping the installed ones, retrying every {} ms",
                    t.toString(),
                    CHECK_MILLIS);
              }
            });
  }

  private void install(long e, Map<Long, byte[]> found) {
    List<byte[]> list = new ArrayList<>(3);
    for (long epoch : new long[] {e, e - 1, e + 1}) {
      byte[] k = found.get(epoch);
      if (k != null && k.length == TicketKeys.KEY_BYTES) {
        list.add(k);
      }
    }
    if (list.isEmpty() || found.get(e) == null) {
      throw new IllegalStateException("no ticket key for epoch " + e);
    }
    warned = false;
    keys.install(list);
    if (installedEpoch != e) {
      LOG.info("session ticket key of epoch {} issues tickets ({} keys accepted)", e, list.size());
    }
    installedEpoch = e;
  }
}
