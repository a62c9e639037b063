package io.opencdn.edge.cluster;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An origin the cluster considers failing, in {@link EdgeClusterNames#ORIGIN_HEALTH}: while
 * {@code untilMillis} has not passed, every edge serves stale copies (within stale-if-error)
 * without asking the origin.
 *
 * @param failingSince clock time the first edge reported the origin failing (kept across renewals)
 * @param reportedBy id of the edge that reported it (last renewal)
 * @param untilMillis clock time after which edges try the origin again
 */
public record OriginFailure(long failingSince, String reportedBy, long untilMillis) implements Serializable {

  /** Whether the report still holds at {@code nowMillis}. */
  public boolean holdsAt(long nowMillis) {
    return nowMillis < untilMillis;
  }

  /**
   * Records {@code report} unless a report that still holds at {@code nowMillis} is there
   * (the first edge to report wins); a renewal keeps the first {@code failingSince}. Yields the
   * entry as it is afterwards.
   */
  record Report(OriginFailure report, long nowMillis, long ttlMillis)
      implements EntryProcessor<String, OriginFailure, OriginFailure> {
    @Override
    public OriginFailure process(Map.Entry<String, OriginFailure> e) {
      OriginFailure current = e.getValue();
      if (current != null && current.holdsAt(nowMillis)) {
        return current;
      }
      OriginFailure next = current == null ? report
          : new OriginFailure(current.failingSince(), report.reportedBy(), report.untilMillis());
      ((ExtendedMapEntry<String, OriginFailure>) e).setValue(next, ttlMillis, TimeUnit.MILLISECONDS);
      return next;
    }
  }
}
