package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The part of {@link DistributionsParser} that reads response headers policies: the top-level
 * {@code responseHeadersPolicies} and a behavior's {@code responseHeadersPolicy} (a distribution's
 * {@code customErrors} and {@code geoRestriction}: {@link ErrorsAndGeoParser}). Each mistake goes
 * to the same {@link Problems} as {@code FILE:LINE: key 'PATH': what}.
 */
final class EdgeFeaturesParser {

  private static final Set<String> POLICY =
      Set.of("name", "cors", "securityHeaders", "customHeaders", "removeHeaders", "serverTiming");
  private static final Set<String> CORS =
      Set.of(
          "allowOrigins",
          "allowMethods",
          "allowHeaders",
          "exposeHeaders",
          "allowCredentials",
          "maxAgeSec",
          "originOverride",
          "preflight");
  private static final Set<String> SECURITY =
      Set.of(
          "strictTransportSecurity",
          "contentTypeOptions",
          "frameOptions",
          "referrerPolicy",
          "contentSecurityPolicy");
  private static final Set<String> REFERRER =
      Set.of(
          "no-referrer",
          "no-referrer-when-downgrade",
          "origin",
          "origin-when-cross-origin",
          "same-origin",
          "strict-origin",
          "strict-origin-when-cross-origin",
          "unsafe-url");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE");

  /** Fields a policy may not remove: framing, hop-by-hop and the edge's own. */
  static final Set<String> NOT_REMOVABLE =
      Set.of(
          "connection",
          "content-encoding",
          "content-length",
          "content-range",
          "content-type",
          "date",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "via",
          "x-cache",
          "age");

  private static final String TOKEN = "[A-Za-z0-9!#$%&'*+.^_`|~-]+";

  private final YamlTree y;
  private final Map<String, ResponseHeadersPolicy> policies = new LinkedHashMap<>();

  EdgeFeaturesParser(YamlTree y) {
    this.y = y;
  }

  /** The user-defined policies read by {@link #policies(Node)}. */
  Map<String, ResponseHeadersPolicy> defined() {
    return policies;
  }

  /** Reads the top-level {@code responseHeadersPolicies} list (absent: none). */
  EdgeFeaturesParser policies(Node n) {
    List<Node> items = y.sequence(n, "responseHeadersPolicies");
    for (int i = 0; i < items.size(); i++) {
      String key = "responseHeadersPolicies[" + i + "]";
      ResponseHeadersPolicy p = policy(items.get(i), key);
      if (p != null
          && (ResponseHeadersPolicy.BUILT_IN.containsKey(p.name())
              || policies.putIfAbsent(p.name(), p) != null)) {
        y.problems.add(
            YamlTree.line(items.get(i)),
            key + ".name",
            "a name not used by a built-in or another policy, got '" + p.name() + "'");
      }
    }
    return this;
  }

  /** A behavior's {@code responseHeadersPolicy}: null when absent or unknown (reported). */
  ResponseHeadersPolicy policyOf(Map<String, Node> behavior, String key) {
    String name = y.text(behavior, "responseHeadersPolicy", key, null, false);
    if (name == null) {
      return null;
    }
    ResponseHeadersPolicy p = ResponseHeadersPolicy.BUILT_IN.getOrDefault(name, policies.get(name));
    if (p == null) {
      y.problems.add(
          YamlTree.line(behavior.get("responseHeadersPolicy")),
          key + ".responseHeadersPolicy",
          "a built-in "
              + new java.util.TreeSet<>(ResponseHeadersPolicy.BUILT_IN.keySet())
              + " or defined response headers policy "
              + policies.keySet()
              + ", got '"
              + name
              + "'");
    }
    return p;
  }

  private ResponseHeadersPolicy policy(Node n, String key) {
    Map<String, Node> m = y.mapping(n, key, POLICY);
    String name = y.text(m, "name", key, n, true);
    if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      y.problems.add(
          YamlTree.line(m.get("name")),
          key + ".name",
          "1-64 characters of A-Z a-z 0-9 _ . -, got '" + name + "'");
      name = null;
    }
    ResponseHeadersPolicy.Cors cors =
        m.containsKey("cors") ? cors(m.get("cors"), key + ".cors") : null;
    List<ResponseHeadersPolicy.HeaderRule> rules = new ArrayList<>();
    if (m.containsKey("securityHeaders")) {
      security(m.get("securityHeaders"), key + ".securityHeaders", rules);
    }
    List<Node> custom = y.sequence(m.get("customHeaders"), key + ".customHeaders");
    Set<String> names = new HashSet<>();
    rules.forEach(r -> names.add(r.name().toLowerCase(Locale.ROOT)));
    for (int i = 0; i < custom.size(); i++) {
      String ck = key + ".customHeaders[" + i + "]";
      Map<String, Node> c = y.mapping(custom.get(i), ck, Set.of("name", "value", "override"));
      String hn = headerName(c, "name", ck, custom.get(i));
      String value = y.text(c, "value", ck, custom.get(i), true);
      if (value != null && !value.matches("[\\t\\x20-\\x7e\\x80-\\xff]*")) {
        y.problems.add(
            YamlTree.line(c.get("value")),
            ck + ".value",
            "a field value without control characters");
        value = null;
      }
      boolean override = y.bool(c, "override", ck, false);
      if (hn != null && !names.add(hn.toLowerCase(Locale.ROOT))) {
        y.problems.add(
            YamlTree.line(c.get("name")),
            ck + ".name",
            "a header set once, got '" + hn + "' twice");
      } else if (hn != null && value != null) {
        rules.add(new ResponseHeadersPolicy.HeaderRule(hn, value, override));
      }
    }
    List<String> remove = new ArrayList<>();
    List<String> raw = y.texts(m, "removeHeaders", key, List.of());
    for (int i = 0; i < raw.size(); i++) {
      String h = raw.get(i);
      if (!h.matches(TOKEN) || NOT_REMOVABLE.contains(h.toLowerCase(Locale.ROOT))) {
        y.problems.add(
            YamlTree.line(m.get("removeHeaders")),
            key + ".removeHeaders[" + i + "]",
            "a header name other than "
                + new java.util.TreeSet<>(NOT_REMOVABLE)
                + ", got '"
                + h
                + "'");
      } else if (names.contains(h.toLowerCase(Locale.ROOT))) {
        y.problems.add(
            YamlTree.line(m.get("removeHeaders")),
            key + ".removeHeaders[" + i + "]",
            "a header the policy does not also set, got '" + h + "'");
      } else {
        remove.add(h);
      }
    }
    double timing = 0;
    if (m.containsKey("serverTiming")) {
      String tk = key + ".serverTiming";
      Map<String, Node> t = y.mapping(m.get("serverTiming"), tk, Set.of("enabled", "samplingRate"));
      boolean on = y.bool(t, "enabled", tk, false);
      timing = on ? y.number(t, "samplingRate", tk, 0, 100, 100) : 0;
    }
    return name == null ? null : new ResponseHeadersPolicy(name, cors, rules, remove, timing);
  }

  private ResponseHeadersPolicy.Cors cors(Node n, String key) {
    Map<String, Node> m = y.mapping(n, key, CORS);
    List<String> origins = y.texts(m, "allowOrigins", key, List.of());
    if (origins.isEmpty()) {
      y.problems.add(
          YamlTree.line(m.getOrDefault("allowOrigins", n)),
          key + ".allowOrigins",
          "at least one origin (scheme://host[:port]) or \"*\", got none");
    }
    for (int i = 0; i < origins.size(); i++) {
      String o = origins.get(i);
      if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
        y.problems.add(
            YamlTree.line(m.get("allowOrigins")),
            key + ".allowOrigins[" + i + "]",
            "\"*\" or scheme://host[:port] (no path), got '" + o + "'");
      }
    }
    List<String> methods = new ArrayList<>();
    List<String> rawMethods = y.texts(m, "allowMethods", key, List.of("GET", "HEAD"));
    for (int i = 0; i < rawMethods.size(); i++) {
      String up = rawMethods.get(i).toUpperCase(Locale.ROOT);
      if (up.equals("ALL")) {
        methods.addAll(List.of("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"));
      } else if (METHODS.contains(up)) {
        methods.add(up);
      } else {
        y.problems.add(
            YamlTree.line(m.get("allowMethods")),
            key + ".allowMethods[" + i + "]",
            "ALL or one of "
                + new java.util.TreeSet<>(METHODS)
                + ", got '"
                + rawMethods.get(i)
                + "'");
      }
    }
    List<String> allowHeaders = tokens(m, "allowHeaders", key);
    List<String> expose = tokens(m, "exposeHeaders", key);
    boolean credentials = y.bool(m, "allowCredentials", key, false);
    if (credentials && origins.contains("*")) {
      y.problems.add(
          YamlTree.line(m.get("allowCredentials")),
          key + ".allowCredentials",
          "false with allowOrigins \"*\" (browsers refuse credentials for any origin), got true");
    }
    long maxAge = y.number(m, "maxAgeSec", key, -1, 86_400, -1);
    boolean override = y.bool(m, "originOverride", key, true);
    String preflight = y.text(m, "preflight", key, n, false);
    if (preflight != null && !preflight.equals("edge") && !preflight.equals("origin")) {
      y.problems.add(
          YamlTree.line(m.get("preflight")),
          key + ".preflight",
          "edge (OPTIONS preflights answered by the edge) or origin, got '" + preflight + "'");
    }
    return new ResponseHeadersPolicy.Cors(
        origins,
        methods,
        allowHeaders,
        expose,
        credentials,
        maxAge,
        override,
        !"origin".equals(preflight));
  }

  private List<String> tokens(Map<String, Node> m, String name, String key) {
    List<String> out = y.texts(m, name, key, List.of());
    for (int i = 0; i < out.size(); i++) {
      if (!out.get(i).equals("*") && !out.get(i).matches(TOKEN)) {
        y.problems.add(
            YamlTree.line(m.get(name)),
            key + "." + name + "[" + i + "]",
            "a header name or \"*\", got '" + out.get(i) + "'");
      }
    }
    return out;
  }

  private void security(Node n, String key, List<ResponseHeadersPolicy.HeaderRule> rules) {
    Map<String, Node> m = y.mapping(n, key, SECURITY);
    if (m.containsKey("strictTransportSecurity")) {
      String k = key + ".strictTransportSecurity";
      Map<String, Node> h =
          y.mapping(
              m.get("strictTransportSecurity"),
              k,
              Set.of("maxAgeSec", "includeSubdomains", "preload", "override"));
      long age = y.number(h, "maxAgeSec", k, 0, 10L * 31_536_000, 31_536_000);
      boolean sub = y.bool(h, "includeSubdomains", k, false);
      boolean preload = y.bool(h, "preload", k, false);
      rules.add(
          new ResponseHeadersPolicy.HeaderRule(
              "Strict-Transport-Security",
              "max-age=" + age + (sub ? "; includeSubDomains" : "") + (preload ? "; preload" : ""),
              y.bool(h, "override", k, true)));
    }
    if (m.containsKey("contentTypeOptions")) {
      String k = key + ".contentTypeOptions";
      Map<String, Node> h = y.mapping(m.get("contentTypeOptions"), k, Set.of("override"));
      rules.add(
          new ResponseHeadersPolicy.HeaderRule(
              "X-Content-Type-Options", "nosniff", y.bool(h, "override", k, true)));
    }
    if (m.containsKey("frameOptions")) {
      String k = key + ".frameOptions";
      Map<String, Node> h = y.mapping(m.get("frameOptions"), k, Set.of("option", "override"));
      String option = y.text(h, "option", k, m.get("frameOptions"), true);
      if (option != null && !option.equals("DENY") && !option.equals("SAMEORIGIN")) {
        y.problems.add(
            YamlTree.line(h.get("option")),
            k + ".option",
            "DENY or SAMEORIGIN, got '" + option + "'");
      } else if (option != null) {
        rules.add(
            new ResponseHeadersPolicy.HeaderRule(
                "X-Frame-Options", option, y.bool(h, "override", k, true)));
      }
    }
    if (m.containsKey("referrerPolicy")) {
      String k = key + ".referrerPolicy";
      Map<String, Node> h = y.mapping(m.get("referrerPolicy"), k, Set.of("policy", "override"));
      String policy = y.text(h, "policy", k, m.get("referrerPolicy"), true);
      if (policy != null && !REFERRER.contains(policy)) {
        y.problems.add(
            YamlTree.line(h.get("policy")),
            k + ".policy",
            "one of " + new java.util.TreeSet<>(REFERRER) + ", got '" + policy + "'");
      } else if (policy != null) {
        rules.add(
            new ResponseHeadersPolicy.HeaderRule(
                "Referrer-Policy", policy, y.bool(h, "override", k, true)));
      }
    }
    if (m.containsKey("contentSecurityPolicy")) {
      String k = key + ".contentSecurityPolicy";
      Map<String, Node> h =
          y.mapping(m.get("contentSecurityPolicy"), k, Set.of("policy", "override"));
      String policy = y.text(h, "policy", k, m.get("contentSecurityPolicy"), true);
      if (policy != null && (policy.length() > 1783 || !policy.matches("[\\x20-\\x7e]+"))) {
        y.problems.add(
            YamlTree.line(h.get("policy")),
            k + ".policy",
            "printable ASCII of at most 1783 characters (CloudFront's limit)");
      } else if (policy != null) {
        rules.add(
            new ResponseHeadersPolicy.HeaderRule(
                "Content-Security-Policy", policy, y.bool(h, "override", k, true)));
      }
    }
  }

  private String headerName(Map<String, Node> m, String name, String key, Node parent) {
    String h = y.text(m, name, key, parent, true);
    if (h != null && !h.matches(TOKEN)) {
      y.problems.add(
          YamlTree.line(m.get(name)), key + "." + name, "a header name, got '" + h + "'");
      return null;
    }
    return h;
  }
}
