package io.opencdn.common.cluster;

import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.partition.NoDataMemberInClusterException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a whole cluster map whose entries any member may have written, keys and values as they
 * come: the caller checks each one's type and tag. An entry that cannot be deserialized (a member
 * without the secret wrote bytes under a record's type id that its constructor refuses) is counted
 * as forged by the reader's {@link RecordCheck} and skipped, so it can neither hide the other
 * entries nor freeze the reader's view. A cluster without data members (only lite members, such as
 * DNS servers, are up) reads as empty. Blocking: call it from a worker thread.
 */
public final class ClusterReads {

  private ClusterReads() {}

  /** Every readable entry of {@code map}; unreadable ones are counted by {@code check}. */
  public static Map<Object, Object> entries(IMap<Object, Object> map, RecordCheck check) {
    Map<Object, Object> all = new HashMap<>();
    try {
      try {
        map.forEach(all::put);
      } catch (HazelcastSerializationException unreadable) {
        all.clear();
        for (Object key : map.keySet()) {
          try {
            all.put(key, map.get(key));
          } catch (HazelcastSerializationException e) {
            check.forged();
          }
        }
      }
    } catch (NoDataMemberInClusterException noDataMember) {
      // only lite members: nobody has written anything
    } catch (HazelcastSerializationException unreadableKey) {
      check.forged();
      all.clear();
    }
    return all;
  }
}
