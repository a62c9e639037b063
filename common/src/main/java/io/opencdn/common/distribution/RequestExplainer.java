package io.opencdn.common.distribution;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an edge running a {@link DistributionsDocument} does with one request, as text ({@code ./cdn
 * explain-request}): the distribution and behavior matched, the cache key, the origin or group and
 * its failover order, what is forwarded, and how the TTL is decided. Uses the same matching ({@link
 * Distribution#behaviorFor}), key ({@link CacheKeyParts}) and TTL rules ({@link TtlDecision}) as
 * the edge.
 */
public final class RequestExplainer {

  private RequestExplainer() {}

  /**
   * @param url {@code http://host/path?query}
   * @param headers request headers by lower-case name
   */
  public static List<String> explain(
      DistributionsDocument doc, String url, Map<String, String> headers) {
    return explain(doc, url, headers, null, null, java.time.Clock.systemUTC());
  }

  /**
   * As {@link #explain(DistributionsDocument, String, Map)}, with the geo restriction's decision
   * for a viewer at {@code client} located by {@code countryOf} (ISO code or null), signed URLs and
   * cookies judged at {@code clock}'s time.
   */
  public static List<String> explain(
      DistributionsDocument doc,
      String url,
      Map<String, String> headers,
      java.net.InetAddress client,
      java.util.function.Function<java.net.InetAddress, String> countryOf,
      java.time.Clock clock) {
    List<String> out = new ArrayList<>();
    URI u = URI.create(url);
    String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String query = u.getRawQuery();
    out.add("version:      " + doc.hash());
    Distribution d = doc.forHost(host);
    if (d == null) {
      out.add(
          "distribution: none serves host '"
              + host
              + "': the edge answers 421 Misdirected Request");
      return out;
    }
    out.add("distribution: " + d.id() + " (hosts " + String.join(", ", d.hosts()) + ")");
    Behavior b = d.behaviorFor(path);
    int index = d.behaviors().indexOf(b);
    out.add(
        "behavior:     #"
            + (index + 1)
            + " of "
            + d.behaviors().size()
            + ", path \""
            + b.path().text()
            + "\""
            + (b.line() > 0 ? " (line " + b.line() + ")" : "")
            + "; methods "
            + b.allowedMethods().stream().sorted().collect(Collectors.joining(", ")));
    out.add(Compression.explain(b, headers.get("accept-encoding")));
    out.addAll(ViewerAccessExplainer.lines(b, u, headers, clock));
    query = ViewerAccessExplainer.unsignedQuery(b, query);
    CachePolicy cp = b.cachePolicy();
    out.add(
        "cache policy: "
            + cp.name()
            + " (query strings "
            + cp.queryStrings()
            + ", headers "
            + cp.headers()
            + ", cookies "
            + cp.cookies()
            + ")");
    if (cp.maxTtl() == 0) {
      out.add("cache key:    none: the cache is bypassed, every request goes to the origin");
    } else {
      out.add(
          "cache key:    "
              + host
              + CacheKeyParts.target(cp, path, query, n -> headers.get(n.toLowerCase(Locale.ROOT)))
              + " (+ Accept-Encoding normalised, + what the origin's Vary names)");
    }
    List<OriginSpec> order = d.failoverOrder(b.target());
    OriginGroup g = d.group(b.target());
    if (g == null) {
      out.add("target:       origin " + b.target() + " " + order.get(0).url());
    } else {
      out.add(
          "target:       origin group "
              + g.id()
              + ": "
              + order.stream()
                  .map(o -> o.id() + " " + o.url())
                  .collect(Collectors.joining(", then "))
              + "; next member on status "
              + g.failoverOn().stream()
                  .sorted()
                  .map(String::valueOf)
                  .collect(Collectors.joining(" "))
              + ", connect errors and timeouts"
              + " (a member the cluster reports failing is tried last)");
    }
    OriginRequestPolicy orp = b.originRequestPolicy();
    for (OriginSpec o : order) {
      String q =
          CacheKeyParts.query(
              query, cp.queryStrings(), orp == null ? Selection.NONE : orp.queryStrings());
      String hostHeader =
          o.hostHeader() != null
              ? o.hostHeader() + " (origin's hostHeader)"
              : orp != null && orp.forwardsHost()
                  ? host + " (viewer's)"
                  : o.uri().getAuthority() + " (origin's own)";
      out.add(
          "to "
              + o.id()
              + ":"
              + " ".repeat(Math.max(1, 10 - o.id().length()))
              + "GET "
              + o.pathPrefix()
              + path
              + (q.isEmpty() ? "" : "?" + q)
              + ", Host "
              + hostHeader
              + ", connect "
              + o.connectTimeoutMillis()
              + " ms x "
              + o.attempts()
              + ", read "
              + o.readTimeoutMillis()
              + " ms"
              + (o.headers().isEmpty()
                  ? ""
                  : ", adds " + String.join(", ", new java.util.TreeSet<>(o.headers().keySet()))));
    }
    out.add(
        "forwarded:    "
            + (orp == null
                ? "only the cache key's values (no origin request policy)"
                : "origin request policy "
                    + orp.name()
                    + ": headers "
                    + orp.headers()
                    + ", cookies "
                    + orp.cookies()
                    + ", query strings "
                    + orp.queryStrings())
            + "; always Via, X-Forwarded-For, Accept-Encoding");
    out.add("ttl:          " + TtlDecision.describe(cp));
    out.addAll(EdgeFeaturesExplainer.lines(d, b, headers, client, countryOf));
    return out;
  }
}
