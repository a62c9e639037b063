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
 * on a Vert.x worker thread.
 */
public final class HazelcastEdges implements EdgeRecordSource {

  private final Vertx vertx;
  private final HazelcastInstance hz;

  public HazelcastEdges(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.hz = hz;
  }

  @Override
  public Future<Collection<EdgeRecord>> fetch() {
    return vertx.executeBlocking(() -> List.copyOf(hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).values()), false);
  }

  @Override
  public Set<String> liveMembers() {
    return hz.getCluster().getMembers().stream().map(Member::getUuid).map(UUID::toString).collect(Collectors.toSet());
  }

  @Override
  public Runnable onMembershipChange(Consumer<String> left, Runnable joined) {
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
