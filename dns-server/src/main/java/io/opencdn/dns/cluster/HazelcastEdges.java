package io.opencdn.dns.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The {@link ClusterMaps#EDGES} map of a Hazelcast member. Reading the map blocks, so it runs
 * on a Vert.x worker thread. Until the member has joined the cluster the registry is empty, and
 * membership callbacks are registered once it has joined (which counts as a member joining).
 */
public final class HazelcastEdges implements EdgeRecordSource {

  private final Vertx vertx;
  private final Future<HazelcastInstance> member;

  public HazelcastEdges(Vertx vertx, HazelcastInstance hz) {
    this(vertx, Future.succeededFuture(hz));
  }

  /** The registry of a member that may still be joining; {@code member} completes once it has joined. */
  public HazelcastEdges(Vertx vertx, Future<HazelcastInstance> member) {
    this.vertx = vertx;
    this.member = member;
  }

  @Override
  public Future<Collection<EdgeRecord>> fetch() {
    HazelcastInstance hz = joined();
    if (hz == null) {
      return Future.succeededFuture(List.of());
    }
    return vertx.executeBlocking(() -> List.copyOf(hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).values()), false);
  }

  @Override
  public Set<String> liveMembers() {
    HazelcastInstance hz = joined();
    return hz == null ? Set.of()
        : hz.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
  }

  @Override
  public Runnable onMembershipChange(Consumer<String> left, Runnable joined) {
    Registration registration = new Registration();
    member.onSuccess(hz -> {
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
    UUID registration = hz.getCluster().addMembershipListener(new MembershipListener() {
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
