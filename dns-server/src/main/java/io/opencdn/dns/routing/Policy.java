package io.opencdn.dns.routing;

import io.opencdn.dns.config.PolicySpec;

/**
 * One small named routing step (the CoreDNS plugin idea): takes the ranking so far and returns the
 * next one. Policies are pure: everything they use is in the {@link RouteContext}; no I/O, no
 * locks, no clock of their own. They are composed per geo-routed name by {@link PolicyChain} from
 * the {@code policies:} list of the config ({@link PolicySpec}).
 */
public interface Policy {

  /** The name used in the config and in explanations, e.g. {@code health}. */
  String name();

  /** Applies the policy. */
  Ranking apply(Ranking in, RouteContext ctx);

  /**
   * True when the result is a function of the edge snapshot, the latency table, the client, its
   * network hash and the count only, and (when {@link #latencyMaxAgeMillis()} is positive) of which
   * latency samples are fresh at the time: then {@link Router} may cache the decision of a chain
   * made of such policies. False unless a policy says so.
   */
  default boolean cacheable() {
    return false;
  }

  /**
   * The age in ms beyond which the latency samples this policy reads are ignored; 0 when it reads
   * none.
   */
  default long latencyMaxAgeMillis() {
    return 0;
  }
}
