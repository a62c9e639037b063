package io.opencdn.dns.routing;

import java.util.List;

/**
 * What a {@link RoutingPolicy} chose.
 *
 * @param edges edges to answer with, best first; empty when no edge has an address of the family
 * @param panic true when no edge was eligible and the policy fell back to every known edge
 */
public record Selection(List<Edge> edges, boolean panic) {

  public Selection {
    edges = List.copyOf(edges);
  }
}
