package io.opencdn.dns.routing;

/**
 * An edge under consideration for one answer, with what the chain measured about it.
 *
 * @param edge the edge
 * @param distanceKm great-circle distance to the client, NaN when the client has no coordinates
 * @param latencyMs fresh smoothed RTT from the client's network, NaN when none
 * @param tieHash hash of the client's network and the edge id: the stable order among equals
 */
public record Candidate(Edge edge, double distanceKm, double latencyMs, int tieHash) {

  /** The candidate for {@code edge} in {@code ctx}. */
  static Candidate of(Edge edge, RouteContext ctx) {
    double km =
        ctx.client() != null && ctx.client().hasCoordinates()
            ? Haversine.km(
                ctx.client().latitude(),
                ctx.client().longitude(),
                edge.latitude(),
                edge.longitude())
            : Double.NaN;
    return new Candidate(edge, km, Double.NaN, tieBreak(ctx.subnetHash(), edge.id()));
  }

  /** A copy with a latency figure. */
  Candidate withLatency(double ms) {
    return new Candidate(edge, distanceKm, ms, tieHash);
  }

  /** Hash of the client network and the edge id (murmur3 finaliser). */
  public static int tieBreak(int subnetHash, String id) {
    int h = subnetHash * 31 + id.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    return h ^ (h >>> 16);
  }
}
