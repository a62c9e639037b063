package io.opencdn.dns.answer;

import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.zone.ZoneSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The answer stage of one configuration: the full path, the fast path and the kept responses, over
 * the same zones and geo-routed names. {@link QueryHandler} holds one and replaces it whole on
 * reload, so a query sees either the old zones and routes or the new ones, never a mix; the
 * location cache, edge snapshot source and router's latency source outlive reloads.
 *
 * @param full answers every valid query ({@link FullAnswerer})
 * @param fast answers A/AAAA for geo-routed names from and to the wire ({@link FastAnswerer})
 * @param kept zone responses and NXDOMAIN templates replayed from bytes ({@link KeptResponses})
 * @param zones the zones served
 * @param routes the geo-routed names
 * @param routedNames the names of {@code routes} (the signer tells their answers from zone data)
 * @param router the routes' policy chains
 */
public record AnswerStage(
    FullAnswerer full,
    FastAnswerer fast,
    KeptResponses kept,
    ZoneSet zones,
    List<RouteConfig> routes,
    Set<Name> routedNames,
    Router router) {

  /**
   * The stage for {@code zones} and {@code routes}.
   *
   * @param locations the server's location cache (the fast path keeps its decisions in it)
   * @param edges the current edge snapshot
   * @param router the routes' policy chains
   */
  public static AnswerStage of(
      ZoneSet zones,
      List<RouteConfig> routes,
      LocationCache<KeptAnswer> locations,
      EdgeSnapshotSource edges,
      Router router) {
    return of(zones, routes, locations, edges, router, name -> List.of());
  }

  /**
   * The stage for {@code zones} and {@code routes}, answering ACME DNS-01 names from {@code
   * challenges} ({@link FullAnswerer}).
   */
  public static AnswerStage of(
      ZoneSet zones,
      List<RouteConfig> routes,
      LocationCache<KeptAnswer> locations,
      EdgeSnapshotSource edges,
      Router router,
      java.util.function.Function<Name, List<String>> challenges) {
    Map<Name, RouteConfig> byName = new HashMap<>();
    routes.forEach(r -> byName.put(r.fqdn(), r));
    Set<Name> names = Set.copyOf(byName.keySet());
    return new AnswerStage(
        new FullAnswerer(zones, byName, locations, edges, router, challenges),
        new FastAnswerer(zones, byName, locations, edges, router),
        new KeptResponses(zones, names),
        zones,
        List.copyOf(routes),
        names,
        router);
  }

  /** The zones served, with their SOA serials, for logs: {@code [cdn.test./2026010101]}. */
  public List<String> describeZones() {
    return zones.zones().stream().map(z -> z.origin() + "/" + z.soa().getSerial()).toList();
  }
}
