package io.opencdn.edge.cluster.status;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterReads;
import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import io.opencdn.common.cluster.ConfigStore;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.edge.cluster.EdgeLoad;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one gathering of the status view reads from the cluster maps (blocking: on a worker), only
 * records tagged with the cluster secret: registry entries with a fresh heartbeat ({@value
 * #MAX_HEARTBEAT_AGE_MILLIS} ms, as the DNS server counts them) whose member is still in the
 * cluster, load figures, the members' control-plane state and the current version.
 *
 * @param records registry entries by edge id
 * @param loads load figures by edge id
 * @param members what each member runs ({@code config-members})
 * @param current the current distributions version, or null
 */
record ClusterRead(
    Map<String, EdgeRecord> records,
    Map<String, EdgeLoad> loads,
    List<MemberState> members,
    Version current) {

  static final long MAX_HEARTBEAT_AGE_MILLIS = 10_000;

  static ClusterRead read(HazelcastInstance hz, RecordCheck check, ConfigStore store, Clock clock) {
    long now = clock.millis();
    Set<String> alive =
        hz.getCluster().getMembers().stream()
            .map(Member::getUuid)
            .map(Object::toString)
            .collect(Collectors.toSet());
    Map<String, EdgeRecord> records = new HashMap<>();
    ClusterReads.entries(hz.getMap(ClusterMaps.EDGES), check)
        .forEach(
            (k, v) -> {
              if (k instanceof String key
                  && v instanceof EdgeRecord r
                  && r.authentic(check.mac(), key)
                  && now - r.heartbeatMillis() <= MAX_HEARTBEAT_AGE_MILLIS
                  && (r.memberUuid() == null || alive.contains(r.memberUuid()))) {
                records.put(key, r);
              }
            });
    Map<String, EdgeLoad> loads = new HashMap<>();
    ClusterReads.entries(hz.getMap(ClusterMaps.EDGE_LOAD), check)
        .forEach(
            (k, v) -> {
              if (k instanceof String key
                  && v instanceof EdgeLoad l
                  && l.authentic(check.mac(), key)) {
                loads.put(key, l);
              }
            });
    return new ClusterRead(records, loads, store.members(), store.currentVersion());
  }
}
