package io.opencdn.dns.edges;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterReads;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.RecordCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@link ClusterMaps#EDGES} map of a Hazelcast member. Reading the map blocks, so it runs on a
 * Vert.x worker thread. Until the member has joined the cluster the registry is empty, and
 * membership callbacks are registered once it has joined (which counts as a member joining).
 *
 * <p>Only authentic records are returned ({@link EdgeRecord#authentic}: tagged with the cluster
 * secret under their own id), so a member without the secret cannot add an edge, change an edge's
 * address or state, or hide a static edge behind a forged entry of the same id; where a forged
 * value replaced an edge's entry, the edge's last authentic record is used (it still ages out with
 * its heartbeat). An authentic record older than one already seen from the same member is a replay
 * (say, of the record before a drain): the newer one is used instead. Both are counted ({@link
 * #check}), as is an entry that cannot be read ({@link ClusterReads}). Deleting an entry does
 * remove the edge: that much a member without the secret can do. A cluster without data members (no
 * edge up: DNS servers are lite members) has an empty registry.
 */
public final class HazelcastEdges implements EdgeRecordSource {

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;
  private final RecordCheck check;
  private final Map<String, EdgeRecord> newest = new HashMap<>();

  /**
   * @param check verifies each record and counts those ignored
   */
  public HazelcastEdges(Vertx vertx, HazelcastInstance hz, RecordCheck check) {
    this(vertx, Future.succeededFuture(hz), check);
  }

  /**
   * The registry of a member that may still be joining; {@code member} completes once it has joined
   * (until then the registry is empty).
   *
   * @param check verifies each record and counts those ignored
   */
  public HazelcastEdges(Vertx vertx, Future<HazelcastInstance> member, RecordCheck check) {
    this.vertx = vertx;
    this.member = member;
    this.check = check;
  }

  @Override
  public Future<Collection<EdgeRecord>> fetch() {
    HazelcastInstance hz = joined();
    if (hz == null) {
      return Future.succeededFuture(List.of());
    }
    return vertx.executeBlocking(
        () -> authentic(ClusterReads.entries(hz.getMap(ClusterMaps.EDGES), check)), false);
  }

  /**
   * The records of {@code all} (map key to value) to use, each checked; remembers the newest per
   * edge.
   */
  synchronized List<EdgeRecord> authentic(Map<Object, Object> all) {
    List<EdgeRecord> out = new ArrayList<>(all.size());
    Map<String, EdgeRecord> seen = new HashMap<>();
    all.forEach(
        (key, value) -> {
          // what a member without the secret wrote may be of any type
          if (!check.accept(
              key instanceof String k
                  && value instanceof EdgeRecord e
                  && e.authentic(check.mac(), k),
              true)) {
            // a forged value over an edge's entry: the edge's last authentic record stands (until
            // it
            // ages out or the edge writes again), so overwriting does not even hide the edge
            EdgeRecord last = key instanceof String k ? newest.get(k) : null;
            if (last != null) {
              seen.put((String) key, last);
              out.add(last);
            }
            return;
          }
          EdgeRecord r = (EdgeRecord) value;
          String id = (String) key;
          EdgeRecord before = newest.get(id);
          if (before != null
              && java.util.Objects.equals(before.memberUuid(), r.memberUuid())
              && r.heartbeatMillis() < before.heartbeatMillis()) {
            check.stale();
            r = before;
          }
          seen.put(id, r);
          out.add(r);
        });
    newest.clear();
    newest.putAll(seen);
    return out;
  }

  /** The check applied to records read (with the counts of those ignored). */
  public RecordCheck check() {
    return check;
  }

  @Override
  public Set<String> liveMembers() {
    HazelcastInstance hz = joined();
    return hz == null
        ? Set.of()
        : hz.getCluster().getMembers().stream()
            .map(Member::getUuid)
            .map(UUID::toString)
            .collect(Collectors.toSet());
  }

  @Override
  public Runnable onMembershipChange(Consumer<String> left, Runnable joined) {
    Registration registration = new Registration();
    member.onSuccess(
        hz -> {
          if (registration.register(() -> register(hz, left, joined))) {
            joined.run();
          }
        });
    return registration::cancel;
  }

  /** A membership listener registered once the member has joined, unless cancelled before. */
  private static final class Registration {
    private Runnable cancel;
    private boolean cancelled;

    synchronized boolean register(java.util.function.Supplier<Runnable> add) {
      if (!cancelled) {
        cancel = add.get();
      }
      return !cancelled;
    }

    synchronized void cancel() {
      cancelled = true;
      if (cancel != null) {
        cancel.run();
        cancel = null;
      }
    }
  }

  private HazelcastInstance joined() {
    return member.succeeded() ? member.result() : null;
  }

  private static Runnable register(HazelcastInstance hz, Consumer<String> left, Runnable joined) {
    UUID registration =
        hz.getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent event) {
                    joined.run();
                  }

                  @Override
                  public void memberRemoved(MembershipEvent event) {
                    left.accept(event.getMember().getUuid().toString());
                  }
                });
    return () -> hz.getCluster().removeMembershipListener(registration);
  }
}
