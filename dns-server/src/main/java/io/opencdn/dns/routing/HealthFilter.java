package io.opencdn.dns.routing;

import io.opencdn.common.cluster.EdgeState;
import java.util.List;

/**
 * Policy {@code health}: keeps the edges that may take new clients (ACTIVE and passing their health
 * checks); DRAINING edges get no new traffic.
 *
 * <p>Panic guard: when more than {@code panicShare} of the ACTIVE edges are down, or none is
 * eligible, filtering is abandoned and every ACTIVE edge stays in the running (every edge, if all
 * are DRAINING): when most of the fleet looks down the checks are more likely wrong than the edges,
 * and piling every client on the few survivors would take them down too (Envoy's panic threshold).
 *
 * @param panicShare share of down ACTIVE edges, 0..1, above which the filter panics (default 0.5)
 */
public record HealthFilter(double panicShare) implements Policy {

  @Override
  public String name() {
    return "health";
  }

  @Override
  public boolean cacheable() {
    return true;
  }

  @Override
  public Ranking apply(Ranking in, RouteContext ctx) {
    List<Candidate> all = in.candidates();
    List<Candidate> active =
        all.stream().filter(c -> c.edge().state() == EdgeState.ACTIVE).toList();
    List<Candidate> eligible = active.stream().filter(c -> c.edge().healthy()).toList();
    int down = active.size() - eligible.size();
    if (eligible.isEmpty() && !all.isEmpty()) {
      List<Candidate> keep = active.isEmpty() ? all : active;
      return in.next(
          keep,
          true,
          ctx,
          () -> "health: no edge is eligible: panic, keeping " + Ranking.ids(keep));
    }
    if (!active.isEmpty() && (double) down / active.size() > panicShare) {
      return in.next(
          active,
          true,
          ctx,
          () ->
              "health: "
                  + down
                  + " of "
                  + active.size()
                  + " active edges down (more than "
                  + Math.round(panicShare * 100)
                  + "%): panic, keeping "
                  + Ranking.ids(active));
    }
    return in.next(
        eligible,
        false,
        ctx,
        () ->
            "health: kept "
                + Ranking.ids(eligible)
                + (eligible.size() < all.size()
                    ? ", dropped "
                        + Ranking.ids(all.stream().filter(c -> !eligible.contains(c)).toList())
                        + " (down or draining)"
                    : ""));
  }
}
