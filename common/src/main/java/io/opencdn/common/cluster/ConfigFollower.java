package io.opencdn.common.cluster;

import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.distribution.DistributionsParser;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one member (an edge or a DNS server) on the cluster's current version: on every change (a
 * map listener, with a poll every second as a safety net) it reads the version, parses it and hands
 * it to the member's {@link Activator}, then reports what it runs ({@link ConfigStore#report}). A
 * version that does not parse or that the activator refuses leaves the member on its old version,
 * and the report says why. {@link #start} activates the current version before it returns, so a
 * member that joins serves the current version from its first request.
 */
public final class ConfigFollower {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigFollower.class);

  /** What a member does with a version; throws (with the reason) when it cannot activate it. */
  @FunctionalInterface
  public interface Activator {
    void activate(DistributionsDocument doc) throws Exception;
  }

  private final ConfigStore store;
  private final String member;
  private final String kind;
  private final String uuid;
  private final Clock clock;
  private final Activator activator;
  private final ScheduledExecutorService worker;
  private volatile String active = "local";
  private volatile long since;
  private volatile String refused;
  private volatile boolean reported;
  private volatile String lastError;
  private volatile String admin;
  private UUID listener;

  public ConfigFollower(
      ConfigStore store,
      String member,
      String kind,
      String uuid,
      Clock clock,
      Activator activator) {
    this.store = store;
    this.member = member;
    this.kind = kind;
    this.uuid = uuid;
    this.clock = clock;
    this.activator = activator;
    this.since = clock.millis();
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "config-follower-" + member);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Activates the current version (blocking), then follows changes. When the cluster cannot be read
   * yet (a lite member, such as a DNS server, alone in it: no data member holds the maps), it keeps
   * trying every second in the background.
   */
  public void start() {
    try {
      sync();
      listen();
    } catch (RuntimeException e) {
      LOG.info(
          "{} {}: cannot read the distributions version yet ({}); retrying",
          kind,
          member,
          e.toString());
    }
    worker.scheduleWithFixedDelay(
        () -> {
          try {
            listen();
          } catch (RuntimeException e) {
            LOG.debug("{} {}: no listener yet: {}", kind, member, e.toString());
          }
          safeSync();
        },
        1,
        1,
        TimeUnit.SECONDS);
  }

  private synchronized void listen() {
    if (listener == null) {
      listener = store.listen(() -> worker.execute(this::safeSync));
    }
  }

  /** Stops following and removes this member's state. */
  public void stop() {
    worker.shutdownNow();
    try {
      if (listener != null) {
        store.unlisten(listener);
      }
      store.forget(member);
    } catch (RuntimeException e) {
      LOG.debug("config follower {}: cluster gone while stopping: {}", member, e.toString());
    }
  }

  /**
   * Publishes the base URL of this member's admin listener with its state (null: none), and reports
   * it at once when the state was reported already (blocking).
   */
  public synchronized void admin(String url) {
    admin = url;
    if (reported) {
      report(lastError);
    }
  }

  /** The content hash this member runs ({@code local} before any version). */
  public String activeHash() {
    return active;
  }

  private void safeSync() {
    try {
      sync();
    } catch (RuntimeException e) {
      LOG.debug("config follower {}: {}", member, e.toString());
    }
  }

  /** Brings this member to the current version if it is not on it (or reports why it cannot). */
  synchronized void sync() {
    Version v = store.currentVersion();
    if (v == null || v.hash().equals(active)) {
      if (!reported || v != null && refused != null) {
        refused = null;
        report(null);
      }
      return;
    }
    if (v.hash().equals(refused)) {
      return;
    }
    try {
      DistributionsDocument doc = DistributionsParser.parse(v.text(), "version " + v.hash());
      activator.activate(doc);
      active = v.hash();
      since = clock.millis();
      refused = null;
      LOG.info(
          "{} {}: activated distributions version {} ({})", kind, member, v.hash(), v.message());
      report(null);
    } catch (Exception e) {
      refused = v.hash();
      String why = "cannot activate " + v.hash() + ": " + e.getMessage();
      LOG.error("{} {}: {}; still running {}", kind, member, why, active);
      report(why);
    }
  }

  private void report(String error) {
    lastError = error;
    store.report(new MemberState(member, kind, uuid, active, since, error, admin, null));
    reported = true;
  }
}
