package io.opencdn.dns.routing;

import java.util.Comparator;
import java.util.List;

/**
 * An immutable view of all known edges, sorted by id. Health, state and membership changes produce
 * a new snapshot that replaces the old one atomically (see {@link SnapshotHolder}).
 *
 * @param edges the known edges
 */
public record EdgeSnapshot(List<Edge> edges) {

  /** A snapshot with no edges. */
  public static final EdgeSnapshot EMPTY = new EdgeSnapshot(List.of());

  public EdgeSnapshot {
    edges = edges.stream().sorted(Comparator.comparing(Edge::id)).toList();
  }

  /** True when no edge is known at all. */
  public boolean isEmpty() {
    return edges.isEmpty();
  }
}
