package io.opencdn.dns.answer;

import io.opencdn.dns.DnsConfig;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.geo.GeoLocator;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.Family;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.routing.RoutingPolicy;
import io.opencdn.dns.routing.Selection;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.Responses;
import io.opencdn.dns.zone.Lookup;
import io.opencdn.dns.zone.ZoneData;
import io.opencdn.dns.zone.ZoneSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the response to a valid query, as an authoritative server (RFC 1034 4.3.2):
 *
 * <ul>
 *   <li>names outside every zone: REFUSED;
 *   <li>geo-routed names: A/AAAA records of the edges the {@link RoutingPolicy} picks for the
 *       client's location, with the configured TTL; NODATA when no edge has an address of the
 *       family; other types NODATA; SERVFAIL when no edge is known at all;
 *   <li>other names: the zone data via {@link ZoneData#lookup}: answers with AA; wildcards
 *       (RFC 4592); CNAMEs followed inside our zones (up to 8 links, RFC 1034 3.6.2), the final
 *       rcode being that of the last name (RFC 6604); NXDOMAIN and NODATA with the SOA in the
 *       authority section, TTL min(SOA TTL, MINIMUM) (RFC 2308 3); referrals without AA, with glue;
 *       ANY gets one RRset (RFC 8482 4.1).
 * </ul>
 *
 * Thread-safe; never blocks.
 */
public final class Answerer {

  private static final Logger LOG = LoggerFactory.getLogger(Answerer.class);
  private static final int MAX_CHAIN = 8;

  private final ZoneSet zones;
  private final Map<Name, DnsConfig.Route> routes;
  /** Geo-routed names inside a zone, by {@link FastQuery#nameKey()}, for {@link #answerFast}. */
  private final Map<String, FastRoute> fastRoutes;
  /** NXDOMAIN from templates for names that do not exist ({@link #negativeResponse}). */
  private final NegativeAnswers negatives;
  private final GeoLocator geo;
  private final EdgeSnapshotSource edges;
  private final RoutingPolicy policy;

  public Answerer(ZoneSet zones, List<DnsConfig.Route> routes, GeoLocator geo, EdgeSnapshotSource edges, RoutingPolicy policy) {
    this.zones = zones;
    Map<Name, DnsConfig.Route> byName = new HashMap<>();
    routes.forEach(r -> byName.put(r.fqdn(), r));
    this.routes = Map.copyOf(byName);
    Map<String, FastRoute> fast = new HashMap<>();
    byName.forEach((n, r) -> {
      if (zones.zoneFor(n) != null) {
        byte[] w = n.toWire();
        fast.put(FastQuery.nameKey(w, 0, w.length), new FastRoute(n, r));
      }
    });
    this.fastRoutes = Map.copyOf(fast);
    this.negatives = new NegativeAnswers(zones, byName.keySet());
    this.geo = geo;
    this.edges = edges;
    this.policy = policy;
  }

  /** The zones this answerer serves. */
  public ZoneSet zones() {
    return zones;
  }

  /** The geo-routed names (their A and AAAA come from the routing policy). */
  public java.util.Set<Name> routedNames() {
    return routes.keySet();
  }

  /** The zones served, with their SOA serials, for logs: {@code [cdn.test./2026010101]}. */
  public java.util.List<String> describeZones() {
    return zones.zones().stream().map(z -> z.origin() + "/" + z.soa().getSerial()).toList();
  }

  private record FastRoute(Name name, DnsConfig.Route route) {}

  /** Responses from zone data kept for {@link #cachedZoneResponse}. */
  static final int ZONE_RESPONSES = 16_384;
  /** Largest response kept: one that fits every UDP client (RFC 1035 4.2.1). */
  private static final int ZONE_RESPONSE_MAX = 512;

  private final com.github.benmanes.caffeine.cache.Cache<String, byte[]> zoneResponses =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(ZONE_RESPONSES).executor(Runnable::run).build();
  /**
   * A response is kept from its question's second full answer on: random names (NXDOMAIN
   * floods, a resolver's probes) are each asked once and would only churn the cache.
   */
  private final io.opencdn.dns.geo.Doorkeeper zoneDoorkeeper = new io.opencdn.dns.geo.Doorkeeper(ZONE_RESPONSES * 4);

  /**
   * The response the full path gave to an earlier query of the same shape, with this query's ID
   * and question (so its case) copied in; null when there is none. Only responses from zone data
   * ({@link Answer#fromZone()}) to queries without a Client Subnet option are kept
   * ({@link #keepZoneResponse}): they depend on nothing but the question name (case-insensitively),
   * type, RD and CD bits and the query's EDNS shape (none, or with or without DO), and on the zones, which belong to this
   * answerer (a reload builds a new one with an empty cache). Names in the response that match
   * the question are compressed to pointers into it, so the copied question supplies their case
   * as it would in a response built afresh.
   */
  public byte[] cachedZoneResponse(FastQuery q) {
    if (q.hasEcsOption()) {
      return null;
    }
    byte[] template = zoneResponses.getIfPresent(zoneKey(q));
    if (template == null) {
      return null;
    }
    byte[] out = template.clone();
    byte[] in = q.wire();
    out[0] = in[0];
    out[1] = in[1];
    System.arraycopy(in, 12, out, 12, q.nameEnd() - 12);
    return out;
  }

  /**
   * The NXDOMAIN response to {@code q} when its name does not exist in a zone, written from the
   * zone's template (see {@link NegativeAnswers}); null when the name may exist, no template is
   * known yet, or the response would not fit a UDP client ({@code udp}). Byte for byte what the
   * full path answers.
   */
  public byte[] negativeResponse(FastQuery q, boolean udp) {
    return negatives.answer(q, q.nameKey(), udp);
  }

  /** Keeps {@code response}, the full path's answer to {@code q}, when it qualifies (see {@link #cachedZoneResponse}). */
  public void keepZoneResponse(FastQuery q, Answer answer, byte[] response) {
    int rcode = answer.rcode();
    if (answer.fromZone() && !q.hasEcsOption() && response.length <= ZONE_RESPONSE_MAX && (response[2] & 0x02) == 0
        && (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || rcode == Rcode.REFUSED)) {
      String key = zoneKey(q);
      if (zoneDoorkeeper.admit(key.hashCode())) {
        zoneResponses.put(key, response);
      }
      if (rcode == Rcode.NXDOMAIN) {
        negatives.learn(q, q.nameKey(), response);
      }
    }
  }

  private static String zoneKey(FastQuery q) {
    byte[] in = q.wire();
    return q.nameKey() + (char) q.type() + (char) ((in[2] & 0x01) | (in[3] & 0x10)) + q.ednsShape();
  }

  /**
   * A response built by {@link #answerFast}: the wire bytes, the edges named and the client
   * address the decision was made for.
   */
  public record Fast(byte[] wire, List<Edge> edges, java.net.InetAddress client) {}

  /**
   * The fast path for the hottest query, A or AAAA for a geo-routed name, straight from and to the
   * wire: the same location, policy and decision as {@link #answer}, and byte for byte the same
   * response (header with AA, the question as asked, the answer records with the owner compressed
   * to the question, the OPT record with the Client Subnet echo and its scope). Null whenever the
   * full path has something else to say (another type, a name that is not routed, no edges, no
   * edge selected, a response that would not fit the client's UDP size): the caller then takes
   * {@link #answer}. No side effects besides the location and decision caches.
   */
  public Fast answerFast(FastQuery q, java.net.InetAddress resolver, boolean udp) {
    int qtype = q.type();
    if (qtype != Type.A && qtype != Type.AAAA) {
      return null;
    }
    FastRoute fr = fastRoutes.get(q.nameKey());
    if (fr == null) {
      return null;
    }
    EdgeSnapshot snapshot = edges.current();
    if (snapshot.isEmpty()) {
      return null;
    }
    java.net.InetAddress client = q.hasClientSubnet() ? q.subnetAddress() : resolver;
    int clientPrefix = q.hasClientSubnet() ? q.ecsSource()
        : resolver instanceof java.net.Inet4Address ? Request.RESOLVER_PREFIX_V4 : Request.RESOLVER_PREFIX_V6;
    Family family = qtype == Type.A ? Family.IPV4 : Family.IPV6;
    List<Edge> chosen;
    int scope;
    Memo memo = memo(fr, family, client, clientPrefix, snapshot);
    if (memo != null) {
      chosen = memo.edges;
      scope = memo.scope;
    } else {
      ClientLocation location = geo.locate(client).orElse(null);
      Selection selection = policy.select(fr.name(), snapshot, family, location, Request.subnetHash(client, clientPrefix),
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
   * What the fast path decided for a cached client network (kept in its
   * {@link LocationCache.Slot#memo}): valid for the route and family it was made for while the
   * router says the decision {@linkplain Router#holds holds}. One object with the decision's
   * validity inline and a shared edge list, so that a kept answer costs one read beyond the slot.
   */
  private static final class Memo extends Router.Kept {
    private final FastRoute route;
    private final Family family;
    private final List<Edge> edges;
    private final int scope;

    Memo(Router.Kept kept, FastRoute route, Family family, List<Edge> edges, int scope) {
      super(kept);
      this.route = route;
      this.family = family;
      this.edges = edges;
      this.scope = scope;
    }
  }

  /** Distinct edge lists of memos: a few per edge set, shared by every client network. */
  private final java.util.concurrent.ConcurrentHashMap<List<Edge>, List<Edge>> edgeLists = new java.util.concurrent.ConcurrentHashMap<>();

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
   * The edges and scope for a client /24 whose location is cached, from the network's memo or
   * decided now and kept there: one cache lookup per query instead of two (location, decision).
   * Only for IPv4 clients located by their /24 (Client Subnet /24 or the resolver's address),
   * whose network hash is the same for the whole /24; null otherwise (the caller decides).
   */
  private Memo memo(FastRoute fr, Family family, java.net.InetAddress client, int clientPrefix, EdgeSnapshot snapshot) {
    if (!(geo instanceof LocationCache cache) || !(policy instanceof Router router)
        || clientPrefix != LocationCache.PREFIX_V4 || !(client instanceof java.net.Inet4Address)) {
      return null;
    }
    LocationCache.Slot slot = cache.slot(client);
    if (slot == null) {
      return null;
    }
    if (slot.memo instanceof Memo m && m.route == fr && m.family == family && router.holds(m, fr.name(), snapshot)) {
      return m;
    }
    Router.Kept kept = router.decideKept(fr.name(), snapshot, slot.location(client), Request.subnetHash(client, clientPrefix),
        fr.route().answers());
    if (kept == null) {
      return null;
    }
    Memo m = new Memo(kept, fr, family, shared(kept.edges(family)), slot.prefixLength());
    slot.memo = m;
    return m;
  }

  /**
   * Loads what {@link #answerFast} will read for the queries {@code qs[0..n)} (null entries are
   * skipped) from IPv4 client /24s: their location-cache entries and kept decisions, stage by
   * stage across the burst, so that the cache misses of different queries overlap (see
   * {@link LocationCache#warm}). Only reads: answers do not depend on it.
   */
  public void warm(FastQuery[] qs, java.net.InetAddress[] resolvers, int n) {
    if (!(geo instanceof LocationCache cache) || n < 2) {
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
      } else if (resolvers[i] instanceof java.net.Inet4Address v4) {
        nets[m++] = v4.hashCode() >>> 8; // an Inet4Address's hash is its address
      }
    }
    if (m < 2) {
      return;
    }
    Object[] memos = new Object[m];
    cache.warm(nets, m, memos);
    for (int i = 0; i < m; i++) {
      // the kept decision's own fields: the last load of the chain
      memos[i] = memos[i] instanceof Memo k && k.route != null ? k.edges : null;
    }
  }

  /** Answers {@code request}. */
  public Answer answer(Request request) {
    Message response = Responses.empty(request.message());
    ZoneData zone = zones.zoneFor(request.name());
    if (zone == null) {
      response.getHeader().setRcode(Rcode.REFUSED);
      return new Answer(response, Rcode.REFUSED, 0);
    }
    response.getHeader().setFlag(Flags.AA);
    Name name = request.name();
    int type = request.type();
    for (int link = 0; link < MAX_CHAIN; link++) {
      DnsConfig.Route route = routes.get(name);
      if (route != null) {
        return routed(request, response, zone, name, route);
      }
      Lookup found = zone.lookup(name, type);
      if (found instanceof Lookup.Found f) {
        f.sets().forEach(set -> ZoneAnswers.addRRset(response, set, Section.ANSWER));
        ZoneAnswers.addTargets(response, zone, f.sets());
        return new Answer(response, Rcode.NOERROR, 0);
      }
      if (found instanceof Lookup.Cname c) {
        ZoneAnswers.addRRset(response, new RRset(c.cname()), Section.ANSWER);
        name = c.cname().getTarget();
        zone = zones.zoneFor(name);
        if (zone == null || type == Type.ANY) {
          return new Answer(response, Rcode.NOERROR, 0);
        }
        continue;
      }
      if (found instanceof Lookup.Delegation d) {
        if (link == 0) {
          response.getHeader().unsetFlag(Flags.AA);
        }
        ZoneAnswers.addReferral(response, zone, d.ns());
        return new Answer(response, Rcode.NOERROR, 0);
      }
      int rcode = found instanceof Lookup.NxDomain ? Rcode.NXDOMAIN : Rcode.NOERROR;
      response.getHeader().setRcode(rcode);
      ZoneAnswers.addNegativeSoa(response, zone);
      return new Answer(response, rcode, 0);
    }
    // a CNAME chain longer than MAX_CHAIN (or a loop): what we have so far, like BIND and Knot
    return new Answer(response, Rcode.NOERROR, 0);
  }

  private Answer routed(Request request, Message response, ZoneData zone, Name name, DnsConfig.Route route) {
    // ANY on a geo-routed name: the A answer (RFC 8482 4.1, one RRset)
    int type = request.type() == Type.ANY ? Type.A : request.type();
    if (type != Type.A && type != Type.AAAA) {
      ZoneAnswers.addNegativeSoa(response, zone);
      return Answer.routedWithoutEdges(response, Rcode.NOERROR, 0);
    }
    EdgeSnapshot snapshot = edges.current();
    if (snapshot.isEmpty()) {
      response.getHeader().unsetFlag(Flags.AA);
      response.getHeader().setRcode(Rcode.SERVFAIL);
      response.removeAllRecords(Section.ANSWER);
      return Answer.routedWithoutEdges(response, Rcode.SERVFAIL, 0);
    }
    ClientLocation location = geo.locate(request.clientAddress()).orElse(null);
    Family family = type == Type.A ? Family.IPV4 : Family.IPV6;
    Selection selection = policy.select(name, snapshot, family, location, request.subnetHash(), route.answers());
    if (selection.panic()) {
      LOG.debug("no eligible edge for {}: answering with all {} known edges", name, selection.edges().size());
    }
    int scope = location != null ? location.prefixLength() : request.clientPrefix();
    if (selection.edges().isEmpty()) {
      // NODATA may be the client's own (a geo-fence denied its network): scoped like an answer,
      // so a resolver does not reuse it for other networks (RFC 7871 7.2.1)
      ZoneAnswers.addNegativeSoa(response, zone);
      return Answer.routedWithoutEdges(response, Rcode.NOERROR, scope);
    }
    for (Edge e : selection.edges()) {
      response.addRecord(family == Family.IPV4
          ? new ARecord(name, DClass.IN, route.ttl(), e.ipv4())
          : new AAAARecord(name, DClass.IN, route.ttl(), e.ipv6()), Section.ANSWER);
    }
    return new Answer(response, Rcode.NOERROR, scope, selection.edges().stream().map(Edge::id).toList());
  }
}
