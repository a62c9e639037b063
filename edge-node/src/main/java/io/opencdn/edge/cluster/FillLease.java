package io.opencdn.edge.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.concurrent.TimeUnit;
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

  /** Takes the lease when none is held (with a TTL of {@code maxAgeMillis}); yields the current holder otherwise. */
  record Acquire(FillLease lease, long maxAgeMillis) implements EntryProcessor<String, FillLease, FillLease> {
    @Override
    public FillLease process(Map.Entry<String, FillLease> e) {
      if (e.getValue() != null) {
        return e.getValue();
      }
      ((ExtendedMapEntry<String, FillLease>) e).setValue(lease, maxAgeMillis, TimeUnit.MILLISECONDS);
      return null;
    }
  }

  /** Removes the lease only while it is {@code lease}. */
  record ReleaseIfHeld(FillLease lease) implements EntryProcessor<String, FillLease, Void> {
    @Override
    public Void process(Map.Entry<String, FillLease> e) {
      if (lease.equals(e.getValue())) {
        e.setValue(null);
      }
      return null;
    }
  }

  /** Matches the leases held by one member (to free them when it leaves). */
  record HeldBy(String memberUuid) implements Predicate<String, FillLease> {
    @Override
    public boolean apply(Map.Entry<String, FillLease> e) {
      return e.getValue() != null && memberUuid.equals(e.getValue().memberUuid());
    }
  }
}
