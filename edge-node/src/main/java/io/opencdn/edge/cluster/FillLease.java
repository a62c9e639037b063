package io.opencdn.edge.cluster;

import com.hazelcast.query.Predicate;
import java.io.Serializable;
import java.util.Map;

/**
 * A cluster-wide fill lease: the member that is fetching a key from the origin, and since when.
 *
 * @param memberUuid the Hazelcast member holding the lease
 * @param edgeId that member's edge id
 * @param startedMillis clock time the lease was taken
 */
public record FillLease(String memberUuid, String edgeId, long startedMillis) implements Serializable {

  /** Matches the leases held by one member (to free them when it leaves). */
  record HeldBy(String memberUuid) implements Predicate<String, FillLease> {
    @Override
    public boolean apply(Map.Entry<String, FillLease> e) {
      return e.getValue() != null && memberUuid.equals(e.getValue().memberUuid());
    }
  }
}
