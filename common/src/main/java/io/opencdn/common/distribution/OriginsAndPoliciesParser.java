package io.opencdn.common.distribution;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The parts of {@code distributions.yaml} that name no other part: an origin, a cache policy, an
 * origin request policy and their selections of query strings, headers and cookies; problems go to
 * the document's {@link Problems} like the rest ({@link DistributionsParser}).
 */
final class OriginsAndPoliciesParser {

  private static final Set<String> ORIGIN =
      Set.of(
          "id",
          "url",
          "hostHeader",
          "pathPrefix",
          "headers",
          "connectTimeoutMillis",
          "readTimeoutMillis",
          "attempts",
          "poolSize");
  private static final Set<String> CACHE_POLICY =
      Set.of("name", "minTtl", "defaultTtl", "maxTtl", "queryStrings", "headers", "cookies");
  private static final Set<String> ORIGIN_POLICY =
      Set.of("name", "headers", "cookies", "queryStrings");
  private static final String ID = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

  final YamlTree y;

  OriginsAndPoliciesParser(YamlTree y) {
    this.y = y;
  }

  OriginSpec origin(Node n, String key) {
    Map<String, Node> m = y.mapping(n, key, ORIGIN);
    String id = id(m, "id", key, n);
    String url = y.text(m, "url", key, n, true);
    if (url != null && !validUrl(url)) {
      y.problems.add(
          YamlTree.line(m.get("url")),
          key + ".url",
          "http://host[:port] or https://host[:port] without path, got '" + url + "'");
      url = null;
    }
    String hostHeader = y.text(m, "hostHeader", key, n, false);
    if (hostHeader != null && !hostHeader.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      y.problems.add(
          YamlTree.line(m.get("hostHeader")),
          key + ".hostHeader",
          "a host[:port], got '" + hostHeader + "'");
    }
    String prefix = y.text(m, "pathPrefix", key, n, false);
    prefix = prefix == null ? "" : prefix;
    if (!prefix.isEmpty()
        && (!prefix.startsWith("/")
            || prefix.endsWith("/")
            || prefix.contains("?")
            || prefix.contains("#"))) {
      y.problems.add(
          YamlTree.line(m.get("pathPrefix")),
          key + ".pathPrefix",
          "a path starting with / and not ending with /, without ? or #, got '" + prefix + "'");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    Node hn = m.get("headers");
    if (hn != null) {
      Map<String, Node> hm = y.mapping(hn, key + ".headers", new AnyKeys());
      hm.forEach(
          (k, v) -> {
            if (!k.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || !(v instanceof ScalarNode)) {
              y.problems.add(
                  YamlTree.line(v), key + ".headers." + k, "a header name and a text value");
            } else {
              headers.put(k, ((ScalarNode) v).getValue());
            }
          });
    }
    int connect = (int) y.number(m, "connectTimeoutMillis", key, 1, 600_000, 2000);
    int read = (int) y.number(m, "readTimeoutMillis", key, 1, 3_600_000, 10_000);
    int attempts = (int) y.number(m, "attempts", key, 1, 3, 3);
    int pool = (int) y.number(m, "poolSize", key, 1, 4096, 64);
    if (id == null || url == null) {
      return null;
    }
    return new OriginSpec(id, url, hostHeader, prefix, headers, connect, read, attempts, pool);
  }

  CachePolicy cachePolicy(Node n, String key) {
    Map<String, Node> m = y.mapping(n, key, CACHE_POLICY);
    String name = id(m, "name", key, n);
    long max = y.number(m, "maxTtl", key, 0, 100L * CachePolicy.YEAR, CachePolicy.YEAR);
    long min = y.number(m, "minTtl", key, 0, 100L * CachePolicy.YEAR, 0);
    long def = y.number(m, "defaultTtl", key, 0, 100L * CachePolicy.YEAR, Math.min(86_400, max));
    if (min > def || def > max) {
      y.problems.add(
          YamlTree.line(n),
          key,
          "minTtl <= defaultTtl <= maxTtl, got " + min + ", " + def + ", " + max);
    }
    Selection q = selection(m.get("queryStrings"), key + ".queryStrings");
    Selection h = selection(m.get("headers"), key + ".headers");
    if (h.kind() == Selection.Kind.ALL || h.kind() == Selection.Kind.DENY) {
      y.problems.add(
          YamlTree.line(m.get("headers")),
          key + ".headers",
          "none or {allow: [...]} (a cache key cannot hold every header), got " + h);
    }
    Selection c = selection(m.get("cookies"), key + ".cookies");
    return name == null ? null : new CachePolicy(name, min, def, max, q, h, c);
  }

  OriginRequestPolicy originPolicy(Node n, String key) {
    Map<String, Node> m = y.mapping(n, key, ORIGIN_POLICY);
    String name = id(m, "name", key, n);
    Selection h = selection(m.get("headers"), key + ".headers");
    Selection c = selection(m.get("cookies"), key + ".cookies");
    Selection q = selection(m.get("queryStrings"), key + ".queryStrings");
    return name == null ? null : new OriginRequestPolicy(name, h, c, q);
  }

  Selection selection(Node n, String key) {
    if (n == null) {
      return Selection.NONE;
    }
    if (n instanceof ScalarNode s && (s.getValue().equals("none") || s.getValue().equals("all"))) {
      return s.getValue().equals("none") ? Selection.NONE : Selection.ALL;
    }
    if (!(n instanceof ScalarNode)) {
      Map<String, Node> m = y.mapping(n, key, Set.of("allow", "deny"));
      if (m.size() == 1) {
        String which = m.keySet().iterator().next();
        List<String> names = y.texts(m, which, key, List.of());
        if (!names.isEmpty()) {
          return new Selection(
              which.equals("allow") ? Selection.Kind.ALLOW : Selection.Kind.DENY, names);
        }
      }
    }
    y.problems.add(
        YamlTree.line(n),
        key,
        "none, all, {allow: [names]} or {deny: [names]}, got " + YamlTree.describe(n));
    return Selection.NONE;
  }

  /**
   * The id under {@code name} of {@code m}, checked ({@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}), or
   * null.
   */
  String id(Map<String, Node> m, String name, String key, Node parent) {
    String id = y.text(m, name, key, parent, true);
    if (id != null && !id.matches(ID)) {
      y.problems.add(
          YamlTree.line(m.get(name)),
          YamlTree.join(key, name),
          "1-64 characters of A-Z a-z 0-9 _ . -, got '" + id + "'");
      return null;
    }
    return id;
  }

  private static boolean validUrl(String s) {
    try {
      URI u = new URI(s);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
          && u.getHost() != null
          && (u.getPath() == null || u.getPath().isEmpty() || u.getPath().equals("/"))
          && u.getQuery() == null
          && u.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** The key set of a free-form mapping (custom headers): every name is known. */
  private static final class AnyKeys extends java.util.AbstractSet<String> {
    @Override
    public boolean contains(Object o) {
      return true;
    }

    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Collections.emptyIterator();
    }

    @Override
    public int size() {
      return 0;
    }
  }
}
