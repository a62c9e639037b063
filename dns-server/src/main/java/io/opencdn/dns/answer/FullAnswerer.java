package io.opencdn.dns.answer;

import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.geo.GeoLocator;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.Family;
import io.opencdn.dns.routing.RoutingPolicy;
import io.opencdn.dns.routing.Selection;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.Responses;
import io.opencdn.dns.zone.Lookup;
import io.opencdn.dns.zone.ZoneData;
import io.opencdn.dns.zone.ZoneSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The full path: builds the response to any valid query as an authoritative server (RFC 1034
 * 4.3.2), with dnsjava messages:
 *
 * <ul>
 *   <li>names outside every zone: REFUSED;
 *   <li>geo-routed names: A/AAAA records of the edges the {@link RoutingPolicy} picks for the
 *       client's location, with the configured TTL; NODATA when no edge has an address of the
 *       family; other types NODATA; SERVFAIL when no edge is known at all;
 *   <li>other names: the zone data via {@link ZoneData#lookup}: answers with AA; wildcards (RFC
 *       4592); CNAMEs followed inside our zones (up to 8 links, RFC 1034 3.6.2), the final rcode
 *       being that of the last name (RFC 6604); NXDOMAIN and NODATA with the SOA in the authority
 *       section, TTL min(SOA TTL, MINIMUM) (RFC 2308 3); referrals without AA, with glue; ANY gets
 *       one RRset (RFC 8482 4.1).
 * </ul>
 *
 * {@link FastAnswerer} gives the same bytes for the common geo query without dnsjava. Thread-safe;
 * never blocks.
 */
public final class FullAnswerer {

  private static final Logger LOG = LoggerFactory.getLogger(FullAnswerer.class);
  private static final int MAX_CHAIN = 8;

  private final ZoneSet zones;
  private final Map<Name, RouteConfig> routes;
  private final GeoLocator geo;
  private final EdgeSnapshotSource edges;
  private final RoutingPolicy policy;
  private final Function<Name, List<String>> challenges;

  /**
   * @param routes the geo-routed names
   * @param geo locates clients (the server's location cache)
   * @param edges the current edge snapshot
   * @param policy picks the edges of a geo-routed name
   */
  public FullAnswerer(
      ZoneSet zones,
      Map<Name, RouteConfig> routes,
      GeoLocator geo,
      EdgeSnapshotSource edges,
      RoutingPolicy policy) {
    this(zones, routes, geo, edges, policy, name -> List.of());
  }

  /**
   * @param challenges the TXT values of an ACME DNS-01 name ({@code _acme-challenge.<host>}, RFC
   *     8555 8.4) published by the cluster, empty when none
   */
  public FullAnswerer(
      ZoneSet zones,
      Map<Name, RouteConfig> routes,
      GeoLocator geo,
      EdgeSnapshotSource edges,
      RoutingPolicy policy,
      Function<Name, List<String>> challenges) {
    this.challenges = challenges;
    this.zones = zones;
    this.routes = Map.copyOf(routes);
    this.geo = geo;
    this.edges = edges;
    this.policy = policy;
  }

  /**
   * Answers {@code request}. An ACME DNS-01 name ({@code _acme-challenge.<host>} in one of our
   * zones) is answered with the TXT values the cluster publishes for it (TTL {@value
   * #CHALLENGE_TTL}), else from the zones; either way its answer is not kept (it changes with the
   * cluster, not with the zones).
   */
  public Answer answer(Request request) {
    if (!isChallengeName(request.name())) {
      return answerZones(request);
    }
    Answer a = challenge(request);
    if (a == null) {
      a = answerZones(request);
    }
    return new Answer(a.message(), a.rcode(), a.scope(), a.edges(), false);
  }

  /** TTL of a challenge's TXT records. */
  static final long CHALLENGE_TTL = 5;

  static boolean isChallengeName(Name name) {
    return name.labels() > 1 && "_acme-challenge".equalsIgnoreCase(name.getLabelString(0));
  }

  private Answer challenge(Request request) {
    int type = request.type();
    if (type != Type.TXT && type != Type.ANY) {
      return null;
    }
    if (zones.zoneFor(request.name()) == null) {
      return null;
    }
    List<String> values = challenges.apply(request.name());
    if (values.isEmpty()) {
      return null;
    }
    Message response = Responses.empty(request.message());
    response.getHeader().setFlag(Flags.AA);
    for (String v : values) {
      response.addRecord(
          new TXTRecord(request.name(), DClass.IN, CHALLENGE_TTL, v), Section.ANSWER);
    }
    return new Answer(response, Rcode.NOERROR, 0);
  }

  private Answer answerZones(Request request) {
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
      RouteConfig route = routes.get(name);
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

  private Answer routed(
      Request request, Message response, ZoneData zone, Name name, RouteConfig route) {
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
    Selection selection =
        policy.select(name, snapshot, family, location, request.subnetHash(), route.answers());
    if (selection.panic()) {
      LOG.debug(
          "no eligible edge for {}: answering with all {} known edges",
          name,
          selection.edges().size());
    }
    int scope = location != null ? location.prefixLength() : request.clientPrefix();
    if (selection.edges().isEmpty()) {
      // NODATA may be the client's own (a geo-fence denied its network): scoped like an answer,
      // so a resolver does not reuse it for other networks (RFC 7871 7.2.1)
      ZoneAnswers.addNegativeSoa(response, zone);
      return Answer.routedWithoutEdges(response, Rcode.NOERROR, scope);
    }
    for (Edge e : selection.edges()) {
      response.addRecord(
          family == Family.IPV4
              ? new ARecord(name, DClass.IN, route.ttl(), e.ipv4())
              : new AAAARecord(name, DClass.IN, route.ttl(), e.ipv6()),
          Section.ANSWER);
    }
    return new Answer(
        response, Rcode.NOERROR, scope, selection.edges().stream().map(Edge::id).toList());
  }
}
