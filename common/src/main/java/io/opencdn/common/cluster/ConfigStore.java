package io.opencdn.common.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The control plane's state in Hazelcast: the published versions of {@code distributions.yaml}
 * ({@value #VERSIONS}, content hash to {@link Version}, the last {@value #KEPT} kept), which one is
 * current ({@value #CURRENT}, key {@value #CURRENT_KEY}: a copy of that version, written last, so a
 * reader never sees a pointer to a version not yet stored) and what each member runs ({@value
 * #MEMBERS}). Every record is tagged ({@link ConfigRecords}); untagged or forged ones are ignored.
 * Calls block (Hazelcast operations): run them off event loops.
 */
public final class ConfigStore {

  public static final String VERSIONS = "config-versions";
  public static final String CURRENT = "config-current";
  public static final String MEMBERS = "config-members";
  public static final String CURRENT_KEY = "current";

  /** Versions kept. */
  public static final int KEPT = 20;

  private final HazelcastInstance hz;
  private final RecordMac mac;
  private final Clock clock;

  public ConfigStore(HazelcastInstance hz, RecordMac mac, Clock clock) {
    this.hz = hz;
    this.mac = mac;
    this.clock = clock;
  }

  private IMap<String, String> versions() {
    return hz.getMap(VERSIONS);
  }

  private IMap<String, String> current() {
    return hz.getMap(CURRENT);
  }

  /** The current version (verified), or null when none was published. */
  public Version currentVersion() {
    Version v = ConfigRecords.read(current().get(CURRENT_KEY), Version.class);
    return v != null && v.authentic(mac) ? v : null;
  }

  /** The version whose hash is or starts with {@code hashOrPrefix} (at least 4 digits), or null. */
  public Version version(String hashOrPrefix) {
    if (hashOrPrefix == null || hashOrPrefix.length() < 4) {
      return null;
    }
    return history().stream()
        .filter(v -> v.hash().startsWith(hashOrPrefix))
        .findFirst()
        .orElse(null);
  }

  /** The kept versions, the most recently current first. */
  public List<Version> history() {
    List<Version> out = new ArrayList<>();
    for (String json : versions().values()) {
      Version v = ConfigRecords.read(json, Version.class);
      if (v != null && v.authentic(mac)) {
        out.add(v);
      }
    }
    out.sort(Comparator.comparingLong(Version::seq).reversed());
    return out;
  }

  /**
   * Publishes {@code text} (already validated by the caller) as the current version; one
   * publication at a time in the whole cluster (a map lock). Publishing the current text again
   * changes nothing and returns the current version.
   *
   * @param hash the text's content hash
   */
  public Version publish(String hash, String text, String message) {
    return underLock(
        () -> {
          Version now = currentVersion();
          if (now != null && now.hash().equals(hash)) {
            return now;
          }
          return makeCurrent(
              new Version(
                  hash, nextSeq(now), clock.millis(), message == null ? "" : message, text, null));
        });
  }

  /**
   * Makes a kept version current again: {@code hashOrPrefix}, or with null the one current before
   * the current one. Null when there is no such version.
   */
  public Version rollback(String hashOrPrefix) {
    return underLock(
        () -> {
          Version now = currentVersion();
          Version target;
          if (hashOrPrefix == null) {
            target =
                history().stream()
                    .filter(v -> now == null || !v.hash().equals(now.hash()))
                    .findFirst()
                    .orElse(null);
          } else {
            target = version(hashOrPrefix);
          }
          if (target == null) {
            return null;
          }
          if (now != null && now.hash().equals(target.hash())) {
            return now;
          }
          return makeCurrent(
              new Version(
                  target.hash(),
                  nextSeq(now),
                  clock.millis(),
                  "rollback to "
                      + target.hash()
                      + (target.message().isEmpty() ? "" : " (" + target.message() + ")"),
                  target.text(),
                  null));
        });
  }

  private long nextSeq(Version now) {
    long max = now == null ? 0 : now.seq();
    for (Version v : history()) {
      max = Math.max(max, v.seq());
    }
    return max + 1;
  }

  private Version makeCurrent(Version unsigned) {
    Version v = unsigned.signed(mac);
    versions().put(v.hash(), ConfigRecords.write(v));
    current().put(CURRENT_KEY, ConfigRecords.write(v));
    List<Version> all = history();
    for (int i = KEPT; i < all.size(); i++) {
      versions().remove(all.get(i).hash());
    }
    return v;
  }

  private <T> T underLock(java.util.function.Supplier<T> work) {
    IMap<String, String> cur = current();
    try {
      if (!cur.tryLock(CURRENT_KEY, 10, TimeUnit.SECONDS, 60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "another publication holds the control-plane lock; try again");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    try {
      return work.get();
    } finally {
      cur.unlock(CURRENT_KEY);
    }
  }

  /** Records what a member runs. */
  public void report(MemberState state) {
    hz.<String, String>getMap(MEMBERS).set(state.member(), ConfigRecords.write(state.signed(mac)));
  }

  /** Forgets a member's state (it leaves). */
  public void forget(String member) {
    hz.<String, String>getMap(MEMBERS).delete(member);
  }

  /** What each member of the cluster runs now (members gone are left out), sorted by name. */
  public List<MemberState> members() {
    Set<String> live =
        hz.getCluster().getMembers().stream()
            .map(m -> m.getUuid().toString())
            .collect(Collectors.toSet());
    List<MemberState> out = new ArrayList<>();
    for (String json : hz.<String, String>getMap(MEMBERS).values()) {
      MemberState s = ConfigRecords.read(json, MemberState.class);
      if (s != null && s.authentic(mac) && live.contains(s.uuid())) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(MemberState::member));
    return out;
  }

  /** Calls {@code onChange} (on a Hazelcast event thread) whenever the current version changes. */
  public UUID listen(Runnable onChange) {
    Object l = new Listener(onChange);
    return current().addEntryListener((com.hazelcast.map.listener.MapListener) l, false);
  }

  /** Stops a {@link #listen} registration. */
  public void unlisten(UUID id) {
    current().removeEntryListener(id);
  }

  private record Listener(Runnable onChange)
      implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      onChange.run();
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      onChange.run();
    }
  }
}
