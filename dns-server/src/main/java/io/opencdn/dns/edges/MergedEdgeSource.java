package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.dns.config.StaticEdge;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The cluster's edge registry (if any) plus the {@link StaticEdge}s of the config. Static edges are
 * presented as fresh registry entries without an owning member, so they never age out and no member
 * departure removes them; a cluster entry with the same id hides the static one.
 */
public final class MergedEdgeSource implements EdgeRecordSource {

  private final EdgeRecordSource cluster;
  private final List<StaticEdge> statics;
  private final Clock clock;

  /**
   * A merged source.
   *
   * @param cluster the Hazelcast registry, or null to run without a cluster
   * @param statics edges from the config
   * @param clock supplies the heartbeat time of static entries
   */
  public MergedEdgeSource(EdgeRecordSource cluster, List<StaticEdge> statics, Clock clock) {
    this.cluster = cluster;
    this.statics = List.copyOf(statics);
    this.clock = clock;
  }

  @Override
  public Future<Collection<EdgeRecord>> fetch() {
    Future<Collection<EdgeRecord>> fromCluster =
        cluster == null ? Future.succeededFuture(List.of()) : cluster.fetch();
    return fromCluster.map(this::merge);
  }

  /** {@code clusterRecords} followed by the static edges whose id they do not use. */
  public List<EdgeRecord> merge(Collection<EdgeRecord> clusterRecords) {
    List<EdgeRecord> out = new ArrayList<>(clusterRecords);
    Set<String> ids = new HashSet<>();
    clusterRecords.forEach(r -> ids.add(r.id()));
    long now = clock.millis();
    for (StaticEdge s : statics) {
      if (!ids.contains(s.id())) {
        out.add(s.toRecord(now));
      }
    }
    return out;
  }

  @Override
  public Set<String> liveMembers() {
    return cluster == null ? Set.of() : cluster.liveMembers();
  }

  @Override
  public Runnable onMembershipChange(Consumer<String> left, Runnable joined) {
    return cluster == null ? () -> {} : cluster.onMembershipChange(left, joined);
  }
}
