package io.opencdn.common.distribution;

import io.opencdn.common.signing.KeyGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The {@code behaviors} of one distribution in a {@code distributions.yaml}: each behavior's path,
 * target, methods, policies and edge features, and the list's own rules (the last is the catch-all
 * {@code *}, none after it, no path twice: the first match wins).
 */
final class BehaviorsParser {

  private static final Set<String> BEHAVIOR =
      Set.of(
          "path",
          "target",
          "allowedMethods",
          "cachePolicy",
          "originRequestPolicy",
          "compress",
          "responseHeadersPolicy",
          "viewerProtocol",
          "trustedKeyGroups");

  private final YamlTree y;
  private final EdgeFeaturesParser edge;
  private final Map<String, KeyGroup> keyGroups;

  BehaviorsParser(YamlTree y, EdgeFeaturesParser edge, Map<String, KeyGroup> keyGroups) {
    this.y = y;
    this.edge = edge;
    this.keyGroups = keyGroups;
  }

  /**
   * The behaviors under {@code m}'s {@code behaviors} key, problems reported; those with a problem
   * left out.
   *
   * @param n the distribution's node (the line of a missing list)
   * @param key the distribution's key path, e.g. {@code distributions[0]}
   * @param targets the ids of the distribution's origins and origin groups
   */
  List<Behavior> behaviors(
      Map<String, Node> m,
      Node n,
      String key,
      Set<String> targets,
      Map<String, CachePolicy> cache,
      Map<String, OriginRequestPolicy> orp) {
    List<Behavior> behaviors = new ArrayList<>();
    List<Node> bn = y.sequence(m.get("behaviors"), key + ".behaviors");
    if (bn.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.getOrDefault("behaviors", n)),
          key + ".behaviors",
          "at least one behavior, the last with path \"*\", got none");
    }
    Behavior catchAll = null;
    for (int i = 0; i < bn.size(); i++) {
      String bk = key + ".behaviors[" + i + "]";
      Behavior b = behavior(bn.get(i), bk, targets, cache, orp);
      if (b == null) {
        continue;
      }
      if (catchAll != null) {
        y.problems.add(
            b.line(),
            bk + ".path",
            "a behavior some request can reach, got '"
                + b.path().text()
                + "' after the catch-all '"
                + catchAll.path().text()
                + "' of line "
                + catchAll.line());
      } else {
        for (Behavior earlier : behaviors) {
          if (earlier.path().text().equals(b.path().text())) {
            y.problems.add(
                b.line(),
                bk + ".path",
                "a behavior some request can reach, got '"
                    + b.path().text()
                    + "' also at line "
                    + earlier.line()
                    + " (the first match wins)");
          }
        }
      }
      if (b.path().matchesEverything() && catchAll == null) {
        catchAll = b;
      }
      behaviors.add(b);
    }
    if (!bn.isEmpty()
        && (behaviors.isEmpty()
            || !behaviors.get(behaviors.size() - 1).path().matchesEverything())) {
      Node last = bn.get(bn.size() - 1);
      y.problems.add(
          YamlTree.line(last),
          key + ".behaviors[" + (bn.size() - 1) + "].path",
          "the last behavior to be the default, path \"*\""
              + (behaviors.isEmpty()
                  ? ""
                  : ", got '" + behaviors.get(behaviors.size() - 1).path().text() + "'"));
    }
    return behaviors;
  }

  private Behavior behavior(
      Node n,
      String key,
      Set<String> targets,
      Map<String, CachePolicy> cache,
      Map<String, OriginRequestPolicy> orp) {
    Map<String, Node> m = y.mapping(n, key, BEHAVIOR);
    String path = y.text(m, "path", key, n, true);
    if (path != null && (path.length() > 255 || !(path.startsWith("/") || path.startsWith("*")))) {
      y.problems.add(
          YamlTree.line(m.get("path")),
          key + ".path",
          "a pattern starting with / or *, at most 255 characters, got '" + path + "'");
      path = null;
    }
    String target = y.text(m, "target", key, n, true);
    if (target != null && !targets.contains(target)) {
      y.problems.add(
          YamlTree.line(m.get("target")),
          key + ".target",
          "an origin or origin group of this distribution "
              + new java.util.TreeSet<>(targets)
              + ", got '"
              + target
              + "'");
      target = null;
    }
    Set<String> methods = Behavior.GET_HEAD;
    List<String> rawMethods = y.texts(m, "allowedMethods", key, null);
    if (rawMethods != null) {
      Set<String> given = new HashSet<>();
      rawMethods.forEach(s -> given.add(s.toUpperCase(Locale.ROOT)));
      if (given.equals(Behavior.GET_HEAD)
          || given.equals(Behavior.GET_HEAD_OPTIONS)
          || given.equals(Behavior.ALL_METHODS)) {
        methods = given;
      } else {
        y.problems.add(
            YamlTree.line(m.get("allowedMethods")),
            key + ".allowedMethods",
            "[GET, HEAD], [GET, HEAD, OPTIONS] or [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE], got "
                + rawMethods);
      }
    }
    String cpName = y.text(m, "cachePolicy", key, n, false);
    CachePolicy cp = CachePolicy.CACHING_OPTIMIZED;
    if (cpName != null) {
      cp =
          CachePolicy.BUILT_IN.containsKey(cpName)
              ? CachePolicy.BUILT_IN.get(cpName)
              : cache.get(cpName);
      if (cp == null) {
        y.problems.add(
            YamlTree.line(m.get("cachePolicy")),
            key + ".cachePolicy",
            "a built-in "
                + new java.util.TreeSet<>(CachePolicy.BUILT_IN.keySet())
                + " or defined cache policy "
                + cache.keySet()
                + ", got '"
                + cpName
                + "'");
      }
    }
    String opName = y.text(m, "originRequestPolicy", key, n, false);
    OriginRequestPolicy op = null;
    if (opName != null) {
      op =
          OriginRequestPolicy.BUILT_IN.containsKey(opName)
              ? OriginRequestPolicy.BUILT_IN.get(opName)
              : orp.get(opName);
      if (op == null) {
        y.problems.add(
            YamlTree.line(m.get("originRequestPolicy")),
            key + ".originRequestPolicy",
            "a built-in "
                + new java.util.TreeSet<>(OriginRequestPolicy.BUILT_IN.keySet())
                + " or defined origin request policy "
                + orp.keySet()
                + ", got '"
                + opName
                + "'");
      }
    }
    boolean compress = y.bool(m, "compress", key, false);
    ResponseHeadersPolicy rh = edge.policyOf(m, key);
    ViewerAccessParser.Access access = ViewerAccessParser.behavior(y, m, key, keyGroups);
    if (path == null || target == null || cp == null || (opName != null && op == null)) {
      return null;
    }
    return new Behavior(
        new PathPattern(path),
        target,
        methods,
        cp,
        op,
        YamlTree.line(n),
        compress,
        rh,
        access.protocol(),
        access.keyGroups());
  }
}
