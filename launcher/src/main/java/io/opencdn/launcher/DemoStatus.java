package io.opencdn.launcher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each demo component is on its way to ready, asked as a user would ask: the origin's and the
 * edges' health endpoints over HTTP, the DNS server with real queries.
 *
 * <ul>
 *   <li>origin: ready when {@code /_origin/health} answers 200;
 *   <li>edge: ready when {@code /_cdn/health} answers 200; "joining the cluster" while it answers
 *       503 (the edge is up and waits for the cluster);
 *   <li>dns: ready when the geo name sends London, Japan and the US to the expected edges ({@link
 *       DemoTopology#EXPECTED}); "answering static zones" while it answers queries but does not
 *       route yet (its member, or the edges, still joining).
 * </ul>
 *
 * Anything that does not answer at all is "starting".
 */
final class DemoStatus {

  /** One component: its child process name, what it is doing, and whether that is ready. */
  record Component(String name, String state, boolean ready) {}

  static final String READY = "ready";
  static final String STARTING = "starting";
  static final String JOINING = "joining the cluster";
  static final String STATIC_ONLY = "answering static zones, geo name not routed yet";

  private DemoStatus() {}

  /** Probes every component once. */
  static List<Component> probe() {
    List<Component> all = new ArrayList<>();
    String origin =
        "http://" + DemoTopology.ORIGIN_HOST + ":" + DemoTopology.ORIGIN_PORT + "/_origin/health";
    all.add(of("origin", Readiness.httpOk(origin) ? READY : STARTING));
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      int status = Readiness.httpStatus(e.baseUrl() + "/_cdn/health");
      all.add(of("edge-" + e.id(), status == 200 ? READY : status == 503 ? JOINING : STARTING));
    }
    all.add(of("dns", dnsState()));
    return all;
  }

  private static String dnsState() {
    boolean routed = true;
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      String want = DemoTopology.edge(x.edgeId()).address();
      if (!answers(x.subnet()).contains(want)) {
        routed = false;
        break;
      }
    }
    if (routed) {
      return READY;
    }
    return Readiness.answersDns(DemoTopology.DNS_HOST, DemoTopology.DNS_PORT, DemoTopology.ZONE)
        ? STATIC_ONLY
        : STARTING;
  }

  private static List<String> answers(String subnet) {
    try {
      return Readiness.resolve(
          DemoTopology.DNS_HOST, DemoTopology.DNS_PORT, DemoTopology.GEO_NAME, subnet, false);
    } catch (Exception e) {
      return List.of();
    }
  }

  private static Component of(String name, String state) {
    return new Component(name, state, READY.equals(state));
  }

  /** True when every component is ready. */
  static boolean allReady(List<Component> all) {
    return all.stream().allMatch(Component::ready);
  }

  /**
   * One line, components grouped by state: {@code ready: origin, dns; joining the cluster:
   * edge-eu-west}.
   */
  static String summary(List<Component> all) {
    Map<String, List<String>> byState = new LinkedHashMap<>();
    all.stream()
        .sorted((a, b) -> Boolean.compare(b.ready(), a.ready()))
        .forEach(c -> byState.computeIfAbsent(c.state(), k -> new ArrayList<>()).add(c.name()));
    StringBuilder b = new StringBuilder();
    byState.forEach(
        (state, names) ->
            b.append(b.length() == 0 ? "" : "; ")
                .append(state)
                .append(": ")
                .append(String.join(", ", names)));
    return b.toString();
  }
}
