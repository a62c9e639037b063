package io.opencdn.live.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.cluster.ClusterFutures;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EntryChanges;
import io.opencdn.common.cluster.RecordCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live directory in the Hazelcast map {@value #MAP}: stream name to {@link LiveStreamRecord}.
 * Every edge mirrors the map through an entry listener, keeping only records whose tag verifies
 * ({@link RecordCheck} counts the others), so {@link #lookup} is a local read; a record is used
 * only while its member is in the cluster and its heartbeat is at most {@value #MAX_AGE_MILLIS} ms
 * old (a replayed old record is stale). The ingest rewrites its records every {@value
 * #HEARTBEAT_MILLIS} ms with a map TTL of {@value #MAX_AGE_MILLIS} ms, and removes them when the
 * stream ends, only if they are still its own (another edge may have taken the stream over).
 *
 * <p>Session ids grow with time ({@link #newSession}), and the newer session of a stream wins: an
 * edge that sees a newer session than its own in the map stops announcing (the publisher moved
 * elsewhere), and one that sees an older session overwrite its own writes its own again, so two
 * edges that both announced converge on the later publisher.
 */
public final class HazelcastLiveDirectory implements LiveDirectory {

  /** Name of the map. */
  public static final String MAP = ClusterMaps.LIVE_STREAMS;

  /** Interval of the ingest's rewrites. */
  public static final long HEARTBEAT_MILLIS = 2000;

  /** Age after which a record is stale (and the map's TTL of an entry). */
  public static final long MAX_AGE_MILLIS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLiveDirectory.class);

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, LiveStreamRecord> map;
  private final IMap<Object, Object> reads;
  private final RecordCheck check;
  private final Clock clock;
  private final String memberId;
  private final ConcurrentHashMap<String, LiveStreamRecord> known = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LiveStreamRecord> mine = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LiveStreamRecord> written = new ConcurrentHashMap<>();
  private final Set<String> members = ConcurrentHashMap.newKeySet();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private volatile UUID entryListener;
  private volatile UUID membershipListener;
  private long timer = -1;

  /**
   * @param check verifies the records read and counts those ignored
   */
  public HazelcastLiveDirectory(Vertx vertx, HazelcastInstance hz, RecordCheck check, Clock clock) {
    this.vertx = vertx;
    this.hz = hz;
    this.map = hz.getMap(MAP);
    this.reads = hz.getMap(MAP);
    this.check = check;
    this.clock = clock;
    this.memberId = hz.getLocalEndpoint().getUuid().toString();
  }

  @Override
  public Future<Void> start() {
    return vertx
        .<Void>executeBlocking(
            () -> {
              membershipListener = hz.getCluster().addMembershipListener(new Members());
              hz.getCluster().getMembers().forEach(m -> members.add(m.getUuid().toString()));
              entryListener =
                  reads.addEntryListener(new EntryChanges<>(this::mirror, this::forget), true);
              reads.forEach(this::mirror);
              return null;
            },
            false)
        .onSuccess(v -> timer = vertx.setPeriodic(HEARTBEAT_MILLIS, id -> heartbeat()));
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<String> streams = List.copyOf(mine.keySet());
    return vertx
        .<Void>executeBlocking(
            () -> {
              for (String s : streams) {
                LiveStreamRecord w = written.get(s);
                if (w != null) {
                  map.remove(s, w);
                }
              }
              if (entryListener != null) {
                reads.removeEntryListener(entryListener);
              }
              if (membershipListener != null) {
                hz.getCluster().removeMembershipListener(membershipListener);
              }
              return null;
            },
            false)
        .recover(
            e -> {
              LOG.debug("live directory stop: {}", e.toString());
              return Future.<Void>succeededFuture();
            });
  }

  /** The check applied to the records read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  @Override
  public LiveStreamRecord lookup(String stream) {
    LiveStreamRecord r = known.get(stream);
    if (r == null) {
      return null;
    }
    long now = clock.millis();
    boolean fresh =
        r.heartbeatMillis() > now - MAX_AGE_MILLIS && r.heartbeatMillis() < now + MAX_AGE_MILLIS;
    return members.contains(r.memberUuid()) && fresh ? r : null;
  }

  @Override
  public Future<Void> announce(LiveStreamRecord record) {
    mine.put(record.stream(), record);
    return write(record);
  }

  @Override
  public Future<Void> withdraw(String stream, long session) {
    LiveStreamRecord r = mine.get(stream);
    if (r == null || r.session() != session) {
      return Future.succeededFuture();
    }
    mine.remove(stream, r);
    LiveStreamRecord w = written.remove(stream);
    if (w == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> map.remove(stream, w), false).mapEmpty();
  }

  @Override
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /**
   * A new session id: the clock's milliseconds in the high bits, random low bits, so later sessions
   * are larger.
   */
  public static long newSession(Clock clock) {
    return clock.millis() << 20 | java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 20);
  }

  @Override
  public String memberId() {
    return memberId;
  }

  private Future<Void> write(LiveStreamRecord record) {
    LiveStreamRecord signed = record.signed(check.mac(), clock.millis());
    written.put(record.stream(), signed);
    known.put(record.stream(), signed); // our own write counts at once, before the event comes back
    return ClusterFutures.on(
            vertx, map.setAsync(record.stream(), signed, MAX_AGE_MILLIS, TimeUnit.MILLISECONDS))
        .onFailure(
            e -> LOG.warn("live directory: writing {} failed: {}", record.stream(), e.toString()));
  }

  private void heartbeat() {
    for (LiveStreamRecord r : mine.values()) {
      write(r);
    }
  }

  private void mirror(Object key, Object value) {
    if (!(key instanceof String k)) {
      check.forged();
      return;
    }
    if (value instanceof LiveStreamRecord r && check.accept(r.authentic(check.mac(), k), true)) {
      LiveStreamRecord own = mine.get(k);
      if (own != null && r.session() < own.session()) {
        write(own); // an older session's write landed after ours: ours stands
        return;
      }
      if (own != null && r.session() > own.session()) {
        mine.remove(
            k, own); // a newer session (the publisher moved to another edge) took the stream over
        written.remove(k);
      }
      LiveStreamRecord old = known.put(k, r);
      if (old == null || old.session() != r.session() || !old.edgeId().equals(r.edgeId())) {
        notifyChange(k);
      }
    } else {
      if (!(value instanceof LiveStreamRecord)) {
        check.forged();
      }
      forget(k);
    }
  }

  private void forget(Object key) {
    if (key instanceof String k && known.remove(k) != null) {
      notifyChange(k);
    }
  }

  private void notifyChange(String stream) {
    for (Consumer<String> l : listeners) {
      try {
        l.accept(stream);
      } catch (RuntimeException e) {
        LOG.warn("live directory listener failed: {}", e.toString());
      }
    }
  }

  /**
   * Keeps the member set; the streams of a member that left change (their records are void now).
   */
  private final class Members implements MembershipListener {
    @Override
    public void memberAdded(MembershipEvent e) {
      members.add(e.getMember().getUuid().toString());
    }

    @Override
    public void memberRemoved(MembershipEvent e) {
      String gone = e.getMember().getUuid().toString();
      members.remove(gone);
      known.forEach(
          (stream, r) -> {
            if (r.memberUuid().equals(gone)) {
              notifyChange(stream);
            }
          });
    }
  }
}
