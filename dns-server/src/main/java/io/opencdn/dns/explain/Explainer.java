package io.opencdn.dns.explain;

import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.routing.Decision;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.LatencyTable;
import io.opencdn.dns.routing.Policy;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.wire.Decoded;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Explains routing decisions with the same location chain, router and edge snapshot the server
 * uses, for a client that is assumed to be behind a resolver sending EDNS Client Subnet with {@code
 * ecsPrefix} bits. The client-network hash comes from decoding a real query, so ties and spill
 * choices match what the server answers. Pure apart from the injected clock.
 */
public final class Explainer {

  private final List<RouteConfig> routes;
  private final LocationChain locator;
  private final Router router;
  private final Clock clock;

  /**
   * @param routes the geo-routed names (the config's {@code routing} entries)
   */
  public Explainer(List<RouteConfig> routes, LocationChain locator, Router router, Clock clock) {
    this.routes = List.copyOf(routes);
    this.locator = locator;
    this.router = router;
    this.clock = clock;
  }

  /** The routing entry for {@code name}, or the first one when {@code name} is null. */
  public RouteConfig route(String name) {
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("the config routes no name");
    }
    if (name == null) {
      return routes.get(0);
    }
    Name n = DnsConfigNames.absolute(name);
    return routes.stream()
        .filter(r -> r.fqdn().equals(n))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    name
                        + " is not a geo-routed name; routed: "
                        + routes.stream().map(RouteConfig::name).toList()));
  }

  /** Explains the answer for {@code client} and {@code name} over {@code snapshot}. */
  public Explanation explain(
      InetAddress client,
      int ecsPrefix,
      String name,
      EdgeSnapshot snapshot,
      Map<String, String> checked) {
    RouteConfig route = route(name);
    List<String> notes = new ArrayList<>();
    ClientLocation location = locator.trace(client, notes);
    int hash = subnetHash(route.fqdn(), client, ecsPrefix);
    Decision d = router.decide(route.fqdn(), snapshot, location, hash, route.answers(), true);
    Map<String, LatencyTable.Sample> latency = new HashMap<>();
    String prefix = LatencyTable.clientPrefix(client);
    for (Edge e : snapshot.edges()) {
      LatencyTable.Sample s = router.latency().samples().get(new LatencyKey(prefix, e.id()));
      if (s != null) {
        latency.put(e.id(), s);
      }
    }
    int scope = location != null ? location.prefixLength() : ecsPrefix;
    List<String> policies =
        router.chain(route.fqdn()).policies().stream().map(Policy::name).toList();
    return new Explanation(
        client,
        ecsPrefix,
        route.fqdn().toString(),
        policies,
        notes,
        d,
        latency,
        clock.millis(),
        scope,
        route.ttl(),
        checked == null ? Map.of() : checked);
  }

  /**
   * The share of clients (weighted) each edge gets as the first A answer (AAAA when the edge has no
   * IPv4).
   */
  public Map<String, Double> shares(List<Explanation> explanations, List<Double> weights) {
    Map<String, Double> out = new LinkedHashMap<>();
    double total = 0;
    for (int i = 0; i < explanations.size(); i++) {
      Decision d = explanations.get(i).decision();
      List<Edge> first = d.ipv4().isEmpty() ? d.ipv6() : d.ipv4();
      String id = first.isEmpty() ? "(no answer)" : first.get(0).id();
      double w = weights.get(i);
      out.merge(id, w, Double::sum);
      total += w;
    }
    double sum = total;
    out.replaceAll((k, v) -> sum == 0 ? 0 : v / sum);
    return out;
  }

  /**
   * The client-network hash the server computes for a query from {@code client} with ECS /{@code
   * prefix}.
   */
  static int subnetHash(Name name, InetAddress client, int prefix) {
    try {
      Message q = Message.newQuery(Record.newRecord(name, Type.A, DClass.IN));
      InetAddress network =
          InetAddress.getByAddress(io.opencdn.dns.geo.Cidr.of(client, prefix).bytes());
      q.addRecord(
          new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(prefix, network)),
          Section.ADDITIONAL);
      Decoded decoded =
          QueryDecoder.decode(q.toWire(), InetAddress.getLoopbackAddress(), Transport.UDP);
      if (decoded instanceof Decoded.Query query) {
        return query.request().subnetHash();
      }
      throw new IllegalStateException(
          "the query for " + client + "/" + prefix + " did not decode: " + decoded);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Name parsing shared with the config. */
  static final class DnsConfigNames {
    private DnsConfigNames() {}

    static Name absolute(String text) {
      try {
        return Name.fromString(text.endsWith(".") ? text : text + ".");
      } catch (org.xbill.DNS.TextParseException e) {
        throw new IllegalArgumentException("not a domain name: " + text);
      }
    }
  }
}
