package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the edge registry lives: Hazelcast in production ({@link HazelcastEdges}), anything in
 * tests.
 */
public interface EdgeRecordSource {

  /** All registry entries; never completes on the caller's thread with blocking work. */
  Future<Collection<EdgeRecord>> fetch();

  /** UUIDs of the cluster members alive right now (a local, non-blocking view). */
  Set<String> liveMembers();

  /**
   * Calls {@code left} with a member's UUID when it leaves the cluster and {@code joined} when a
   * member joins (on any thread); returns a handle that cancels the registration.
   */
  Runnable onMembershipChange(Consumer<String> left, Runnable joined);
}
