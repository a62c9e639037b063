package io.opencdn.dns.explain;

import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.routing.Candidate;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.LatencyTable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@link Explanation}s as the plain text the {@code route} command prints. */
public final class ExplanationText {

  private ExplanationText() {}

  /** The full explanation of one decision. */
  public static String render(Explanation x) {
    StringBuilder out = new StringBuilder();
    ClientLocation loc = x.location();
    out.append("client   ")
        .append(x.client().getHostAddress())
        .append(" (as ECS /")
        .append(x.ecsPrefix())
        .append(")\n");
    out.append("located  ").append(describe(loc)).append('\n');
    x.locationNotes().forEach(n -> out.append("         - ").append(n).append('\n'));
    out.append("name     ")
        .append(x.name())
        .append("  policies ")
        .append(x.policies())
        .append('\n');
    out.append("candidates\n");
    out.append(
        String.format(
            Locale.ROOT,
            "  %-16s %-14s %9s %14s %-10s %-9s %-16s %s%n",
            "edge",
            "group",
            "distance",
            "latency",
            "health",
            "state",
            "load/capacity",
            "rank"));
    List<Candidate> ranking = x.decision().ranking();
    for (Candidate c : x.decision().candidates()) {
      Edge e = c.edge();
      int rank = indexOf(ranking, e.id());
      out.append(
          String.format(
              Locale.ROOT,
              "  %-16s %-14s %9s %14s %-10s %-9s %-16s %s%n",
              e.id(),
              e.group() == null ? "-" : e.group(),
              Double.isNaN(c.distanceKm()) ? "?" : Math.round(c.distanceKm()) + " km",
              latency(x, e.id()),
              health(x, e),
              e.state(),
              e.capacity() > 0 ? fmt(e.load()) + "/" + fmt(e.capacity()) : fmt(e.load()) + "/?",
              rank < 0 ? "filtered" : "#" + (rank + 1)));
    }
    out.append("decision\n");
    x.decision().notes().forEach(n -> out.append("  ").append(n).append('\n'));
    if (x.decision().panic()) {
      out.append("  PANIC: health filtering abandoned\n");
    }
    out.append("answer   A ")
        .append(addresses(x.decision().ipv4(), true))
        .append("  AAAA ")
        .append(addresses(x.decision().ipv6(), false))
        .append('\n');
    out.append("         ECS scope /")
        .append(x.scope())
        .append(", TTL ")
        .append(x.ttl())
        .append(" s\n");
    return out.toString();
  }

  /** One line per decision plus the share of clients each edge would get. */
  public static String renderBulk(List<Explanation> xs, Map<String, Double> shares) {
    StringBuilder out = new StringBuilder();
    for (Explanation x : xs) {
      ClientLocation loc = x.location();
      out.append(
          String.format(
              Locale.ROOT,
              "%-40s %-18s %-22s A %s  AAAA %s  scope /%d%n",
              x.client().getHostAddress() + "/" + x.ecsPrefix(),
              loc == null ? "unknown" : loc.source(),
              loc == null ? "-" : (loc.network() == null ? "-" : loc.network()),
              ids(x.decision().ipv4()),
              ids(x.decision().ipv6()),
              x.scope()));
    }
    out.append("share of clients by first answer (").append(xs.size()).append(" clients)\n");
    shares.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            e ->
                out.append(
                    String.format(
                        Locale.ROOT, "  %-16s %6.1f%%%n", e.getKey(), e.getValue() * 100)));
    return out.toString();
  }

  static String describe(ClientLocation loc) {
    if (loc == null) {
      return "unknown (no step located the client; edges ordered by client-network hash)";
    }
    String where =
        loc.hasCoordinates()
            ? String.format(Locale.ROOT, "%.2f,%.2f", loc.latitude(), loc.longitude())
            : "no coordinates";
    return "by "
        + loc.source()
        + (loc.network() != null ? " network " + loc.network() : "")
        + ": "
        + where
        + (loc.country() != null ? " country " + loc.country() : "")
        + (loc.continent() != null ? " continent " + loc.continent() : "")
        + (loc.group() != null ? " edge group " + loc.group() : "");
  }

  private static String latency(Explanation x, String id) {
    LatencyTable.Sample s = x.latency().get(id);
    if (s == null) {
      return "-";
    }
    long age = Math.max(0, (x.nowMillis() - s.measuredAtMillis()) / 1000);
    return fmt(s.rttMillis()) + " ms/" + age + "s";
  }

  private static String health(Explanation x, Edge e) {
    String checked = x.checked().get(e.id());
    return checked != null ? checked : e.healthy() ? "up" : "down";
  }

  private static int indexOf(List<Candidate> ranking, String id) {
    for (int i = 0; i < ranking.size(); i++) {
      if (ranking.get(i).edge().id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private static String addresses(List<Edge> edges, boolean v4) {
    if (edges.isEmpty()) {
      return "(none)";
    }
    return edges.stream()
        .map(
            e -> (v4 ? e.ipv4().getHostAddress() : e.ipv6().getHostAddress()) + " (" + e.id() + ")")
        .toList()
        .toString();
  }

  private static String ids(List<Edge> edges) {
    return edges.isEmpty() ? "-" : String.join(",", edges.stream().map(Edge::id).toList());
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
