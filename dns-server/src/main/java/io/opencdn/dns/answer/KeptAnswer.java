package io.opencdn.dns.answer;

import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.Family;
import io.opencdn.dns.routing.Router;
import java.util.List;

/**
 * What the fast path decided for one cached client network, kept in the network's {@link
 * io.opencdn.dns.geo.LocationCache.Slot} ({@link FastAnswerer}): the router's kept decision ({@link
 * Router.Kept}, valid while {@link Router#holds} says so) extended with the route and family it was
 * made for, the edge list to answer with (shared by every network with the same edges) and the ECS
 * scope. One object with the decision's validity inline, so that a kept answer costs one read
 * beyond the slot: on this path every object read is a likely CPU cache miss.
 */
public final class KeptAnswer extends Router.Kept {

  final FastAnswerer.FastRoute route;
  final Family family;
  final List<Edge> edges;
  final int scope;

  KeptAnswer(
      Router.Kept kept, FastAnswerer.FastRoute route, Family family, List<Edge> edges, int scope) {
    super(kept);
    this.route = route;
    this.family = family;
    this.edges = edges;
    this.scope = scope;
  }
}
