package io.opencdn.dns.routing;

import java.util.Comparator;
import java.util.List;

/**
 * Policy {@code distance}: orders candidates by great-circle distance to the client. When a
 * coverage zone pinned the client to an edge group, the edges of that group come first. Distances
 * are compared in buckets of {@code bucketKm} (edges in one metro area count as equal); equal
 * candidates, and all of them when the client has no coordinates, are ordered by the hash of the
 * client network and edge id, so one network always gets the same edge (cache affinity) while
 * networks spread over equals.
 *
 * @param bucketKm width of a distance bucket in km, 0 = exact distances (default 0)
 */
public record DistanceRank(double bucketKm) implements Policy {

  @Override
  public String name() {
    return "distance";
  }

  @Override
  public boolean cacheable() {
    return true;
  }

  @Override
  public Ranking apply(Ranking in, RouteContext ctx) {
    String group = ctx.client() == null ? null : ctx.client().group();
    Comparator<Candidate> order =
        Comparator.comparingInt(
                (Candidate c) -> group != null && group.equals(c.edge().group()) ? 0 : 1)
            .thenComparingDouble(this::bucket)
            .thenComparingInt(Candidate::tieHash)
            .thenComparing(c -> c.edge().id());
    List<Candidate> sorted = in.candidates().stream().sorted(order).toList();
    return in.next(
        sorted,
        false,
        ctx,
        () ->
            "distance: "
                + (group != null ? "group " + group + " first, then " : "")
                + (ctx.client() != null && ctx.client().hasCoordinates()
                    ? "nearest first"
                    : "no coordinates, by client-network hash")
                + ": "
                + Ranking.ids(sorted));
  }

  private double bucket(Candidate c) {
    if (Double.isNaN(c.distanceKm())) {
      return 0;
    }
    return bucketKm > 0 ? Math.floor(c.distanceKm() / bucketKm) : c.distanceKm();
  }
}
