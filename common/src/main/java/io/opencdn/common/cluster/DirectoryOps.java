package io.opencdn.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import java.util.HashSet;
import java.util.Set;

/**
 * The operations on {@link ClusterMaps#CACHE_DIRECTORY}, each an entry processor run on the key's
 * partition: {@link ClaimOp} (the one cluster operation on a miss's critical path), {@link
 * StoredOp}, {@link ReleaseOp} and {@link WithdrawOp} (off it). Times are the caller's clock,
 * passed in, so the outcome does not depend on the partition owner's clock.
 */
public final class DirectoryOps {

  /** Most keys, and most operations per key, in one {@link BatchOp}. */
  public static final int MAX_BATCH = 4096;

  private DirectoryOps() {}

  /**
   * The member ids of the cluster as {@code hz} sees it, or null without an instance (no
   * filtering).
   */
  static Set<String> liveMembers(HazelcastInstance hz) {
    if (hz == null) {
      return null;
    }
    Set<String> out = new HashSet<>();
    for (Member m : hz.getCluster().getMembers()) {
      out.add(m.getUuid().toString());
    }
    return out;
  }
}
