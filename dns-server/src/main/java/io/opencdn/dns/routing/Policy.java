package io.opencdn.dns.routing;

import io.opencdn.dns.config.PolicySpec;

/**
 * One small named routing step (the CoreDNS plugin idea): takes the ranking so far and returns
 * the next one. Policies are pure: everything they use is in the {@link RouteContext}; no I/O,
 * no locks, no clock of their own. They are composed per geo-routed name by {@link PolicyChain}
 * from the {@code policies:} list of the config ({@link PolicySpec}).
 */
public interface Policy {

  /** The name used in the config and in explanations, e.g. {@code health}. */
  String name();

  /** Applies the policy. */
  Ranking apply(Ranking in, RouteContext ctx);
}
