package io.opencdn.edge.purge;

import java.io.Serializable;
import java.util.Set;

/**
 * An accepted invalidation as kept in {@code invalidations}: the request and the edges that were
 * live when it was accepted (only those are waited for, and only while they stay live, so an
 * edge that joins later or dies cannot hold the status at InProgress).
 *
 * @param request the purge broadcast to the edges
 * @param expectedEdges ids of the live edges at acceptance
 */
public record InvalidationRecord(PurgeRequest request, Set<String> expectedEdges) implements Serializable {

  public InvalidationRecord {
    expectedEdges = Set.copyOf(expectedEdges);
  }
}
