package io.opencdn.dns.answer;

import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.Family;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.routing.Selection;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.zone.ZoneSet;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The fast path for the hottest query, A or AAAA for a geo-routed name, straight from and to the
 * wire: the same location, policy and decision as {@link FullAnswerer}, and byte for byte the same
 * response ({@link FastResponse}). For an IPv4 client located by its /24 (Client Subnet /24 or the
 * resolver's address) whose network is in the {@link LocationCache}, the decision is kept in the
 * network's slot ({@link KeptAnswer}) and reused while the {@link Router} says it {@linkplain
 * Router#holds holds}: one cache lookup per query instead of two (location, decision). Thread-safe;
 * never blocks.
 */
public final class FastAnswerer {

  /**
   * A response built by {@link #answer}: the wire bytes, the edges named and the client address the
   * decision was made for.
   */
  public record Fast(byte[] wire, List<Edge> edges, InetAddress client) {}

  /** A geo-routed name inside a zone, as the fast path finds it by {@link FastQuery#nameKey()}. */
  record FastRoute(Name name, RouteConfig route) {}

  /** Geo-routed names inside a zone, by {@link FastQuery#nameKey()}. */
  private final Map<String, FastRoute> routes;

  private final LocationCache<KeptAnswer> locations;
  private final EdgeSnapshotSource edges;
  private final Router router;

  /** Distinct edge lists of kept answers: a few per edge set, shared by every client network. */
  private final ConcurrentHashMap<List<Edge>, List<Edge>> edgeLists = new ConcurrentHashMap<>();

  /**
   * @param routes the geo-routed names (those outside every zone are left to the full path)
   * @param locations the server's location cache, whose slots keep the decisions
   * @param edges the current edge snapshot
   * @param router decides, and says whether a kept decision still holds
   */
  public FastAnswerer(
      ZoneSet zones,
      Map<Name, RouteConfig> routes,
      LocationCache<KeptAnswer> locations,
      EdgeSnapshotSource edges,
      Router router) {
    Map<String, FastRoute> fast = new HashMap<>();
    routes.forEach(
        (n, r) -> {
          if (zones.zoneFor(n) != null) {
            byte[] w = n.toWire();
            fast.put(FastQuery.nameKey(w, 0, w.length), new FastRoute(n, r));
          }
        });
    this.routes = Map.copyOf(fast);
    this.locations = locations;
    this.edges = edges;
    this.router = router;
  }

  /**
   * The response to {@code q} (response header with AA, the question as asked, the answer records
   * with the owner compressed to the question, the OPT record with the Client Subnet echo and its
   * scope). Null whenever the full path has something else to say (another type, a name that is not
   * routed, no edges, no edge selected, a response that would not fit the client's UDP size): the
   * caller then takes {@link FullAnswerer#answer}. No side effects besides the location and
   * decision caches.
   */
  public Fast answer(FastQuery q, InetAddress resolver, boolean udp) {
    int qtype = q.type();
    if (qtype != Type.A && qtype != Type.AAAA) {
      return null;
    }
    FastRoute fr = routes.get(q.nameKey());
    if (fr == null) {
      return null;
    }
    EdgeSnapshot snapshot = edges.current();
    if (snapshot.isEmpty()) {
      return null;
    }
    InetAddress client = q.hasClientSubnet() ? q.subnetAddress() : resolver;
    int clientPrefix =
        q.hasClientSubnet()
            ? q.ecsSource()
            : resolver instanceof Inet4Address
                ? Request.RESOLVER_PREFIX_V4
                : Request.RESOLVER_PREFIX_V6;
    Family family = qtype == Type.A ? Family.IPV4 : Family.IPV6;
    List<Edge> chosen;
    int scope;
    KeptAnswer kept = kept(fr, family, client, clientPrefix, snapshot);
    if (kept != null) {
      chosen = kept.edges;
      scope = kept.scope;
    } else {
      ClientLocation location = locations.locate(client).orElse(null);
      Selection selection =
          router.select(
              fr.name(),
              snapshot,
              family,
              location,
              Request.subnetHash(client, clientPrefix),
              fr.route().answers());
      chosen = selection.edges();
      scope = location != null ? location.prefixLength() : clientPrefix;
    }
    if (chosen.isEmpty()) {
      return null;
    }
    byte[] out = FastResponse.encode(q, chosen, family, fr.route().ttl(), scope);
    if (udp && out.length > q.udpLimit()) {
      return null;
    }
    return new Fast(out, chosen, client);
  }

  /**
   * The edges and scope for a client /24 whose location is cached, from the answer kept in its slot
   * or decided now and kept there. Only for IPv4 clients located by their /24 (Client Subnet /24 or
   * the resolver's address), whose network hash is the same for the whole /24; null otherwise (the
   * caller decides).
   */
  private KeptAnswer kept(
      FastRoute fr, Family family, InetAddress client, int clientPrefix, EdgeSnapshot snapshot) {
    if (clientPrefix != LocationCache.PREFIX_V4 || !(client instanceof Inet4Address)) {
      return null;
    }
    LocationCache.Slot<KeptAnswer> slot = locations.slot(client);
    if (slot == null) {
      return null;
    }
    KeptAnswer k = slot.kept();
    if (k != null && k.route == fr && k.family == family && router.holds(k, fr.name(), snapshot)) {
      return k;
    }
    Router.Kept decided =
        router.decideKept(
            fr.name(),
            snapshot,
            slot.location(client),
            Request.subnetHash(client, clientPrefix),
            fr.route().answers());
    if (decided == null) {
      return null;
    }
    k = new KeptAnswer(decided, fr, family, shared(decided.edges(family)), slot.prefixLength());
    slot.keep(k);
    return k;
  }

  private List<Edge> shared(List<Edge> edgeList) {
    List<Edge> known = edgeLists.get(edgeList);
    if (known != null) {
      return known;
    }
    if (edgeLists.size() >= 4096) {
      edgeLists.clear(); // edge sets that came and went: start again with the current ones
    }
    List<Edge> prior = edgeLists.putIfAbsent(edgeList, edgeList);
    return prior != null ? prior : edgeList;
  }

  /**
   * Loads what {@link #answer} will read for the queries {@code qs[0..n)} (null entries are
   * skipped) from IPv4 client /24s: their location-cache entries and kept answers, stage by stage
   * across the burst, so that the cache misses of different queries overlap (see {@link
   * LocationCache#warm}). Only reads: answers do not depend on it.
   */
  public void warm(FastQuery[] qs, InetAddress[] resolvers, int n) {
    if (n < 2) {
      return;
    }
    int[] nets = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      FastQuery q = qs[i];
      if (q == null || (q.type() != Type.A && q.type() != Type.AAAA)) {
        continue;
      }
      if (q.hasClientSubnet()) {
        if (q.ecsFamily() == 1 && q.ecsSource() == LocationCache.PREFIX_V4) {
          byte[] w = q.wire();
          int at = q.ecsAddressStart();
          nets[m++] = (w[at] & 0xff) << 16 | (w[at + 1] & 0xff) << 8 | (w[at + 2] & 0xff);
        }
      } else if (resolvers[i] instanceof Inet4Address v4) {
        nets[m++] = v4.hashCode() >>> 8; // an Inet4Address's hash is its address
      }
    }
    if (m < 2) {
      return;
    }
    KeptAnswer[] kept = new KeptAnswer[m];
    locations.warm(nets, m, kept);
    List<?>[] loaded = new List<?>[m];
    for (int i = 0; i < m; i++) {
      // the kept answer's own fields: the last load of the chain
      KeptAnswer k = kept[i];
      loaded[i] = k != null && k.route != null ? k.edges : null;
    }
  }
}
