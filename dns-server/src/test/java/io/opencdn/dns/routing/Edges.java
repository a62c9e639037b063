package io.opencdn.dns.routing;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.geo.ClientLocation;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/** Fixtures for policy tests: edges, clients, contexts. */
final class Edges {

  private Edges() {}

  static final long NOW = 1_700_000_000_000L;

  static Edge edge(String id, double lat, double lon, String v4, String v6) {
    try {
      return new Edge(
          id,
          lat,
          lon,
          v4 == null ? null : (Inet4Address) InetAddress.getByName(v4),
          v6 == null ? null : (Inet6Address) InetAddress.getByName(v6),
          EdgeState.ACTIVE,
          true,
          null,
          0,
          0);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static final Edge US = edge("us-east", 39.04, -77.49, "127.0.0.11", "fd00::11");
  static final Edge EU = edge("eu-west", 50.11, 8.68, "127.0.0.12", "fd00::12");
  static final Edge AP = edge("ap-northeast", 35.68, 139.69, "127.0.0.13", null);
  static final Edge EU2 = edge("eu-central", 48.14, 11.58, "127.0.0.14", "fd00::14");

  static Edge grouped(Edge e, String group) {
    return new Edge(
        e.id(),
        e.latitude(),
        e.longitude(),
        e.ipv4(),
        e.ipv6(),
        e.state(),
        e.healthy(),
        group,
        e.capacity(),
        e.load());
  }

  static Edge sized(Edge e, double capacity, double load) {
    return new Edge(
        e.id(),
        e.latitude(),
        e.longitude(),
        e.ipv4(),
        e.ipv6(),
        e.state(),
        e.healthy(),
        e.group(),
        capacity,
        load);
  }

  static ClientLocation at(double lat, double lon, String country, String continent) {
    try {
      return new ClientLocation(
          lat, lon, country, continent, null, 24, "test", null, InetAddress.getByName("81.2.69.1"));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static final ClientLocation LONDON = at(51.5, -0.12, "GB", "EU");
  static final ClientLocation TOKYO = at(35.7, 139.7, "JP", "AS");
  static final ClientLocation NEW_YORK = at(40.7, -74.0, "US", "NA");

  static RouteContext ctx(
      List<Edge> edges,
      ClientLocation client,
      Map<LatencyKey, LatencyTable.Sample> latency,
      int subnetHash) {
    String prefix =
        client == null || client.address() == null
            ? null
            : LatencyTable.clientPrefix(client.address());
    return new RouteContext(
        new EdgeSnapshot(edges), new LatencyTable(latency), client, prefix, subnetHash, NOW, true);
  }

  static Ranking start(RouteContext ctx) {
    return new Ranking(
        ctx.snapshot().edges().stream().map(e -> Candidate.of(e, ctx)).toList(), false, List.of());
  }

  static List<String> ids(Ranking r) {
    return r.candidates().stream().map(c -> c.edge().id()).toList();
  }
}
