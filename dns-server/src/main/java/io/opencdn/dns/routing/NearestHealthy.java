package io.opencdn.dns.routing;

import io.opencdn.dns.geo.ClientLocation;
import java.util.Comparator;
import java.util.List;

/**
 * Policy {@code nearest-healthy}: the {@code count} eligible edges (ACTIVE and healthy) closest
 * to the client by great-circle distance. Equal distances, and every distance when the client's
 * location is unknown, are ordered by a hash of the client's network and the edge id, so one
 * network always gets the same edges while different networks spread over them.
 *
 * <p>When edges of the family exist but none is eligible, the policy panics: it answers with all
 * of them, nearest first, because an edge that may be up beats no answer.
 */
public final class NearestHealthy implements RoutingPolicy {

  @Override
  public String name() {
    return "nearest-healthy";
  }

  @Override
  public Selection select(EdgeSnapshot snapshot, Family family, ClientLocation client, int subnetHash, int count) {
    List<Edge> withAddress = snapshot.edges().stream().filter(e -> e.has(family)).toList();
    Comparator<Edge> order = order(client, subnetHash);
    List<Edge> eligible = withAddress.stream().filter(Edge::eligible).sorted(order).limit(count).toList();
    if (!eligible.isEmpty() || withAddress.isEmpty()) {
      return new Selection(eligible, false);
    }
    return new Selection(withAddress.stream().sorted(order).toList(), true);
  }

  static Comparator<Edge> order(ClientLocation client, int subnetHash) {
    Comparator<Edge> byTie = Comparator.comparingInt((Edge e) -> tieBreak(subnetHash, e.id())).thenComparing(Edge::id);
    if (client == null) {
      return byTie;
    }
    return Comparator.comparingDouble((Edge e) -> Haversine.km(client.latitude(), client.longitude(), e.latitude(), e.longitude()))
        .thenComparing(byTie);
  }

  static int tieBreak(int subnetHash, String id) {
    int h = subnetHash * 31 + id.hashCode();
    h ^= h >>> 16;
    h *= 0x7feb352d;
    h ^= h >>> 15;
    h *= 0x846ca68b;
    return h ^ (h >>> 16);
  }
}
