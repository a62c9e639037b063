package io.opencdn.dns.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Policy {@code spill}: when the first choice is at or over {@code threshold} of its capacity
 * (reported load / capacity), its new clients go to the next {@code width} candidates that still
 * have headroom, each getting a share of the networks proportional to its headroom ({@code capacity
 * - load}), instead of all of them landing on the runner-up. Which network goes where is decided by
 * the client-network hash, so one network keeps its edge as long as the loads do not change. Edges
 * without a known capacity never count as full and, as spill targets, weigh as much as the roomiest
 * target with a known capacity (1 when none has one). When no target has headroom, the ranking is
 * kept.
 *
 * @param width how many following candidates share the spilled traffic (default 2)
 * @param threshold utilization at which an edge spills, 0.1..10 (default 1.0)
 */
public record CapacitySpill(int width, double threshold) implements Policy {

  @Override
  public String name() {
    return "spill";
  }

  @Override
  public boolean cacheable() {
    return true;
  }

  @Override
  public Ranking apply(Ranking in, RouteContext ctx) {
    List<Candidate> cs = in.candidates();
    if (cs.size() < 2 || !full(cs.get(0).edge())) {
      return in.next(
          cs,
          false,
          ctx,
          () ->
              cs.isEmpty()
                  ? "spill: nothing to do"
                  : "spill: "
                      + cs.get(0).edge().id()
                      + " has headroom ("
                      + utilization(cs.get(0).edge())
                      + ")");
    }
    List<Candidate> targets = new ArrayList<>();
    for (Candidate c : cs.subList(1, cs.size())) {
      if (!full(c.edge())) {
        targets.add(c);
        if (targets.size() == width) {
          break;
        }
      }
    }
    if (targets.isEmpty()) {
      return in.next(
          cs,
          false,
          ctx,
          () -> "spill: " + cs.get(0).edge().id() + " is full but so are the others: order kept");
    }
    double known =
        targets.stream()
            .filter(c -> c.edge().capacity() > 0)
            .mapToDouble(c -> headroom(c.edge()))
            .max()
            .orElse(1);
    double[] weights =
        targets.stream()
            .mapToDouble(c -> c.edge().capacity() > 0 ? headroom(c.edge()) : known)
            .toArray();
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double point = unit(Candidate.tieBreak(ctx.subnetHash(), "spill")) * total;
    int pick = 0;
    for (double acc = weights[0];
        pick < weights.length - 1 && point >= acc;
        acc += weights[++pick]) {
      // walk to the bucket that holds the point
    }
    Candidate chosen = targets.get(pick);
    List<Candidate> out = new ArrayList<>();
    out.add(chosen);
    cs.stream().filter(c -> c != chosen && !full(c.edge())).forEach(out::add);
    cs.stream().filter(c -> full(c.edge())).forEach(out::add);
    double sum = total;
    return in.next(
        out,
        false,
        ctx,
        () ->
            "spill: "
                + cs.get(0).edge().id()
                + " is full ("
                + utilization(cs.get(0).edge())
                + "): new clients shared by headroom among "
                + Ranking.ids(targets)
                + " "
                + share(weights, sum)
                + ", this network goes to "
                + chosen.edge().id());
  }

  private boolean full(Edge e) {
    return e.capacity() > 0 && e.load() / e.capacity() >= threshold;
  }

  private static double headroom(Edge e) {
    return Math.max(0, e.capacity() - e.load());
  }

  private static String utilization(Edge e) {
    return e.capacity() > 0
        ? Math.round(100 * e.load() / e.capacity()) + "% of capacity"
        : "capacity unknown";
  }

  private static String share(double[] w, double total) {
    List<String> out = new ArrayList<>();
    for (double x : w) {
      out.add(Math.round(100 * x / total) + "%");
    }
    return out.toString();
  }

  /** Maps a hash to [0, 1). */
  static double unit(int hash) {
    return (hash & 0xffffffffL) / 4294967296.0;
  }
}
