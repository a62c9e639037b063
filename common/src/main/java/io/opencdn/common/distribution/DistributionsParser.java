package io.opencdn.common.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a {@code distributions.yaml} ({@link DistributionsDocument}). The whole
 * document is checked and every mistake reported ({@link Problems.DocumentException}, one {@code
 * FILE:LINE: key 'PATH': what} a line): unknown keys, bad values, a host in two distributions, a
 * behavior naming an unknown origin or policy, a last behavior that is not {@code *}, a behavior no
 * request can reach, TTLs out of order.
 */
public final class DistributionsParser {

  private static final Set<String> TOP =
      Set.of(
          "distributions",
          "cachePolicies",
          "originRequestPolicies",
          "responseHeadersPolicies",
          "keyGroups");
  private static final Set<String> DIST =
      Set.of(
          "id",
          "hosts",
          "origins",
          "originGroups",
          "behaviors",
          "trustForwardedHeaders",
          "customErrors",
          "geoRestriction",
          "certificate");
  private static final Set<String> GROUP = Set.of("id", "members", "failoverOn");
  private static final String HOST = "[a-z0-9]([a-z0-9.-]*[a-z0-9])?";

  private final YamlTree y;
  private final OriginsAndPoliciesParser parts;
  private final EdgeFeaturesParser edge;
  private final ErrorsAndGeoParser errorsAndGeo;
  private final CertificateParser certificates;
  private Map<String, io.opencdn.common.signing.KeyGroup> keyGroups = Map.of();

  private DistributionsParser(Problems problems) {
    this.y = new YamlTree(problems);
    this.parts = new OriginsAndPoliciesParser(y);
    this.edge = new EdgeFeaturesParser(y);
    this.errorsAndGeo = new ErrorsAndGeoParser(y);
    this.certificates = new CertificateParser(y);
  }

  /**
   * Reads {@code file}; any problem (missing file included) is a {@link
   * Problems.DocumentException}.
   */
  public static DistributionsDocument load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new Problems.DocumentException(List.of(file + ":1: key '': file not found"));
    } catch (IOException e) {
      throw new Problems.DocumentException(
          List.of(file + ":1: key '': cannot read: " + e.getMessage()));
    }
  }

  /** Parses {@code text}; {@code source} names it in the messages. */
  public static DistributionsDocument parse(String text, String source) {
    Problems problems = new Problems(source);
    DistributionsDocument doc = new DistributionsParser(problems).document(text);
    problems.throwIfAny();
    return doc;
  }

  /**
   * The one implicit distribution of a standalone edge ({@code edge --origin URL}) or of one {@code
   * {host, origin}} entry of an edge's own file: every path to {@code originUrl}, cached as the
   * origin says (RFC 9111, no policy: {@code cachePolicy} null), the viewer's request forwarded
   * whole.
   */
  public static Distribution implicit(
      String id, String host, String originUrl, boolean trustForwardedHeaders) {
    OriginSpec o = new OriginSpec("origin", originUrl, null, "", Map.of(), 2000, 10_000, 1, 64);
    Behavior b =
        new Behavior(
            new PathPattern(PathPattern.DEFAULT),
            "origin",
            Behavior.ALL_METHODS,
            null,
            OriginRequestPolicy.ALL_VIEWER,
            0,
            Compression.IMPLICIT);
    return new Distribution(
        id,
        List.of(host.toLowerCase(Locale.ROOT)),
        List.of(o),
        List.of(),
        List.of(b),
        trustForwardedHeaders);
  }

  private DistributionsDocument document(String text) {
    Node root = y.root(text);
    if (root == null) {
      return null;
    }
    Map<String, Node> top = y.mapping(root, "", TOP);
    edge.policies(top.get("responseHeadersPolicies"));
    keyGroups = ViewerAccessParser.keyGroups(y, top.get("keyGroups"));
    Map<String, CachePolicy> cache = new LinkedHashMap<>();
    List<Node> cps = y.sequence(top.get("cachePolicies"), "cachePolicies");
    for (int i = 0; i < cps.size(); i++) {
      CachePolicy p = parts.cachePolicy(cps.get(i), "cachePolicies[" + i + "]");
      if (p != null
          && (CachePolicy.BUILT_IN.containsKey(p.name()) || cache.put(p.name(), p) != null)) {
        y.problems.add(
            YamlTree.line(cps.get(i)),
            "cachePolicies[" + i + "].name",
            "a name not used by a built-in or another policy, got '" + p.name() + "'");
      }
    }
    Map<String, OriginRequestPolicy> orp = new LinkedHashMap<>();
    List<Node> ops = y.sequence(top.get("originRequestPolicies"), "originRequestPolicies");
    for (int i = 0; i < ops.size(); i++) {
      OriginRequestPolicy p = parts.originPolicy(ops.get(i), "originRequestPolicies[" + i + "]");
      if (p != null
          && (OriginRequestPolicy.BUILT_IN.containsKey(p.name()) || orp.put(p.name(), p) != null)) {
        y.problems.add(
            YamlTree.line(ops.get(i)),
            "originRequestPolicies[" + i + "].name",
            "a name not used by a built-in or another policy, got '" + p.name() + "'");
      }
    }
    Node dn = top.get("distributions");
    if (dn == null) {
      y.problems.add(
          YamlTree.line(root), "distributions", "required, missing (at least one distribution)");
    }
    List<Node> ds = y.sequence(dn, "distributions");
    if (dn != null && ds.isEmpty()) {
      y.problems.add(YamlTree.line(dn), "distributions", "at least one distribution, got none");
    }
    List<Distribution> out = new ArrayList<>();
    Map<String, String> hostOwner = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ds.size(); i++) {
      String key = "distributions[" + i + "]";
      Distribution d = distribution(ds.get(i), key, cache, orp, hostOwner);
      if (d == null) {
        continue;
      }
      if (!ids.add(d.id())) {
        y.problems.add(
            YamlTree.line(ds.get(i)),
            key + ".id",
            "an id no other distribution has, got '" + d.id() + "' twice");
      }
      out.add(d);
    }
    return new DistributionsDocument(
        out, cache, orp, text, DistributionsDocument.hashOf(text), edge.defined());
  }

  private Distribution distribution(
      Node n,
      String key,
      Map<String, CachePolicy> cache,
      Map<String, OriginRequestPolicy> orp,
      Map<String, String> hostOwner) {
    Map<String, Node> m = y.mapping(n, key, DIST);
    String id = parts.id(m, "id", key, n);
    String owner = id == null ? key : id;
    List<String> hosts = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<String> raw = y.texts(m, "hosts", key, List.of());
    if (raw.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.getOrDefault("hosts", n)),
          key + ".hosts",
          "at least one host name, got none");
    }
    for (int i = 0; i < raw.size(); i++) {
      String h = raw.get(i).toLowerCase(Locale.ROOT);
      h = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
      if (!h.equals("*") && (!h.matches(HOST) || h.length() > 253)) {
        y.problems.add(
            YamlTree.line(m.get("hosts")),
            key + ".hosts[" + i + "]",
            "a host name or *, got '" + raw.get(i) + "'");
      } else if (!seen.add(h)) {
        y.problems.add(
            YamlTree.line(m.get("hosts")),
            key + ".hosts[" + i + "]",
            "distinct hosts, got '" + h + "' twice");
      } else {
        hosts.add(h);
        String other = hostOwner.putIfAbsent(h, owner);
        if (other != null) {
          y.problems.add(
              YamlTree.line(m.get("hosts")),
              key + ".hosts",
              "hosts no other distribution serves, got '"
                  + h
                  + "' also in distribution '"
                  + other
                  + "'");
        }
      }
    }
    List<OriginSpec> origins = new ArrayList<>();
    Set<String> targets = new HashSet<>();
    List<Node> on = y.sequence(m.get("origins"), key + ".origins");
    if (on.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.getOrDefault("origins", n)),
          key + ".origins",
          "at least one origin, got none");
    }
    for (int i = 0; i < on.size(); i++) {
      OriginSpec o = parts.origin(on.get(i), key + ".origins[" + i + "]");
      if (o != null && !targets.add(o.id())) {
        y.problems.add(
            YamlTree.line(on.get(i)),
            key + ".origins[" + i + "].id",
            "an id unique among origins and groups, got '" + o.id() + "' twice");
      } else if (o != null) {
        origins.add(o);
      }
    }
    Set<String> originIds = new HashSet<>(targets);
    List<OriginGroup> groups = new ArrayList<>();
    List<Node> gn = y.sequence(m.get("originGroups"), key + ".originGroups");
    for (int i = 0; i < gn.size(); i++) {
      String gk = key + ".originGroups[" + i + "]";
      Map<String, Node> g = y.mapping(gn.get(i), gk, GROUP);
      String gid = parts.id(g, "id", gk, gn.get(i));
      List<String> members = y.texts(g, "members", gk, List.of());
      if (members.size() < 2) {
        y.problems.add(
            YamlTree.line(g.getOrDefault("members", gn.get(i))),
            gk + ".members",
            "at least two origin ids (primary first), got " + members.size());
      }
      for (int j = 0; j < members.size(); j++) {
        if (!originIds.contains(members.get(j))) {
          y.problems.add(
              YamlTree.line(g.get("members")),
              gk + ".members[" + j + "]",
              "an origin id of this distribution " + originIds + ", got '" + members.get(j) + "'");
        }
      }
      Set<Integer> codes = new LinkedHashSet<>();
      List<String> rawCodes = y.texts(g, "failoverOn", gk, null);
      if (rawCodes == null) {
        codes.addAll(OriginGroup.DEFAULT_FAILOVER_ON);
      } else {
        for (int j = 0; j < rawCodes.size(); j++) {
          try {
            int c = Integer.parseInt(rawCodes.get(j));
            if (c < 400 || c > 599) {
              throw new NumberFormatException();
            }
            codes.add(c);
          } catch (NumberFormatException e) {
            y.problems.add(
                YamlTree.line(g.get("failoverOn")),
                gk + ".failoverOn[" + j + "]",
                "an HTTP status 400..599, got '" + rawCodes.get(j) + "'");
          }
        }
      }
      if (gid != null && !targets.add(gid)) {
        y.problems.add(
            YamlTree.line(gn.get(i)),
            gk + ".id",
            "an id unique among origins and groups, got '" + gid + "' twice");
      } else if (gid != null) {
        groups.add(new OriginGroup(gid, members, codes));
      }
    }
    List<Behavior> behaviors =
        new BehaviorsParser(y, edge, keyGroups).behaviors(m, n, key, targets, cache, orp);
    boolean trust = y.bool(m, "trustForwardedHeaders", key, false);
    List<CustomError> errors = errorsAndGeo.customErrors(m, key);
    GeoRestriction geo = errorsAndGeo.geoRestriction(m, key);
    CertificateSource certificate = certificates.certificate(m, key, hosts);
    if (id == null || hosts.isEmpty() || origins.isEmpty() || behaviors.isEmpty()) {
      return null;
    }
    return new Distribution(id, hosts, origins, groups, behaviors, trust, errors, geo, certificate);
  }
}
