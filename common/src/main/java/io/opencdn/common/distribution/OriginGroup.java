package io.opencdn.common.distribution;

import java.util.List;
import java.util.Set;

/**
 * An origin group (CloudFront's origin failover): each request goes to the first member not known
 * to be failing; when it answers one of {@code failoverOn}, or cannot be connected to, or times
 * out, the same request goes to the next member.
 *
 * @param id unique among the distribution's origins and groups
 * @param members origin ids, primary first (at least two)
 * @param failoverOn status codes that move the request to the next member
 */
public record OriginGroup(String id, List<String> members, Set<Integer> failoverOn) {

  /** CloudFront's default failover codes. */
  public static final Set<Integer> DEFAULT_FAILOVER_ON = Set.of(500, 502, 503, 504);

  public OriginGroup {
    members = List.copyOf(members);
    failoverOn = Set.copyOf(failoverOn);
  }
}
