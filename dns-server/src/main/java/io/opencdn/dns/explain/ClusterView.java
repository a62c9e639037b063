package io.opencdn.dns.explain;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.ClusterReads;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.edges.EdgeDirectory;
import io.opencdn.dns.latency.HazelcastLatency;
import io.opencdn.dns.routing.LatencyTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One read of the cluster for the {@code route} command: the registered edges the server would
 * consider (heartbeat younger than {@link EdgeDirectory#MAX_HEARTBEAT_AGE_MILLIS}, owner alive) and
 * the latency map. The command joins as a lite member, reads, and leaves.
 *
 * @param records registry entries
 * @param latency latency measurements
 */
record ClusterView(List<EdgeRecord> records, LatencyTable latency) {

  static final ClusterView NONE = new ClusterView(List.of(), LatencyTable.EMPTY);

  static ClusterView read(DnsConfig cfg, String bind, Clock clock) {
    ClusterConfig c = cfg.cluster();
    if (c == null) {
      throw new IllegalArgumentException("--cluster: the config has no cluster section");
    }
    Endpoint at;
    try {
      at = Endpoint.parse(bind);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("--cluster: expected HOST:PORT, got '" + bind + "'");
    }
    ClusterConfig joining = c.withBind(at);
    HazelcastInstance hz;
    try {
      hz = ClusterNode.start(joining, "route-" + at.host() + "-" + at.port(), true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--cluster: cannot join " + c.members() + " from " + bind + ": " + e.getMessage());
    }
    try {
      long now = clock.millis();
      Set<String> members =
          hz.getCluster().getMembers().stream()
              .map(Member::getUuid)
              .map(Object::toString)
              .collect(Collectors.toSet());
      // the same checks as the server's: only records tagged with the cluster secret count
      RecordCheck check = RecordCheck.of(c.secret());
      List<EdgeRecord> records = new ArrayList<>();
      ClusterReads.entries(hz.getMap(ClusterMaps.EDGES), check)
          .forEach(
              (key, value) -> {
                if (key instanceof String k
                    && value instanceof EdgeRecord r
                    && r.authentic(check.mac(), k)
                    && now - r.heartbeatMillis() <= EdgeDirectory.MAX_HEARTBEAT_AGE_MILLIS
                    && (r.memberUuid() == null || members.contains(r.memberUuid()))) {
                  records.add(r);
                }
              });
      // DNS servers are lite members: without an edge the cluster holds no records, and both read
      // as empty
      return new ClusterView(
          records,
          HazelcastLatency.read(
              ClusterReads.entries(hz.getMap(ClusterMaps.LATENCY), check), check, now));
    } finally {
      hz.shutdown();
    }
  }
}
