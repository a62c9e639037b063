package io.opencdn.edge.http;

import io.opencdn.common.distribution.Behavior;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.distribution.ResponseHeadersPolicy;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.http.viewer.HeaderEdits;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a request's Host to its {@link Distribution}: an exact, case-insensitive match of the host
 * name (port and trailing dot ignored), else the {@code *} distribution if configured. A Host that
 * matches nothing is refused, so the edge never acts as an open proxy.
 *
 * <p>One instance is one immutable version: the distributions of the edge's own file, or of one
 * {@code distributions.yaml} ({@link #of(DistributionsDocument)}), whose requests also get the
 * {@link Route} of the behavior their path matches.
 */
public final class Distributions {

  private final Map<String, Distribution> byHost = new HashMap<>();
  private final Distribution any;
  private final DistributionsDocument document;
  private final Map<String, Map<String, Origin>> origins = new HashMap<>();
  private final Map<ResponseHeadersPolicy, HeaderEdits> edits = new IdentityHashMap<>();

  public Distributions(List<DistributionConfig> configs) {
    Distribution wildcard = null;
    for (DistributionConfig c : configs) {
      Distribution d =
          new Distribution(
              c.host().toLowerCase(Locale.ROOT),
              Origin.of(c.originUri()),
              c.trustForwardedHeaders(),
              null,
              c.compress());
      if (c.host().equals(DistributionConfig.ANY_HOST)) {
        wildcard = d;
      } else {
        byHost.put(d.host(), d);
      }
    }
    this.any = wildcard;
    this.document = null;
  }

  private Distributions(DistributionsDocument doc) {
    this.document = doc;
    Distribution wildcard = null;
    for (io.opencdn.common.distribution.Distribution dist : doc.distributions()) {
      Map<String, Origin> resolved = new HashMap<>();
      dist.origins().forEach(o -> resolved.put(o.id(), Origin.of(o.uri())));
      origins.put(dist.id(), Map.copyOf(resolved));
      for (Behavior b : dist.behaviors()) {
        if (b.responseHeadersPolicy() != null) {
          edits.computeIfAbsent(b.responseHeadersPolicy(), HeaderEdits::new);
        }
      }
      for (String h : dist.hosts()) {
        Distribution d =
            new Distribution(
                h, resolved.get(dist.origins().get(0).id()), dist.trustForwardedHeaders());
        if (h.equals(DistributionConfig.ANY_HOST)) {
          wildcard = d;
        } else {
          byHost.put(h, d);
        }
      }
    }
    this.any = wildcard;
  }

  /** The distributions of a {@code distributions.yaml} version. */
  public static Distributions of(DistributionsDocument doc) {
    return new Distributions(doc);
  }

  /** The document of this version, or null for the edge's own distributions. */
  public DistributionsDocument document() {
    return document;
  }

  /** Whether a distribution of this version has a {@code geoRestriction}. */
  public boolean restrictsGeo() {
    return document != null
        && document.distributions().stream().anyMatch(d -> d.geoRestriction() != null);
  }

  /** The content hash of this version's document, or {@code "local"} for the edge's own file. */
  public String version() {
    return document == null ? "local" : document.hash();
  }

  /**
   * The distribution {@code d} (from {@link #forName}) for a request with the normalised {@code
   * target}: itself without a document, else a new {@link Distribution} carrying the {@link Route}
   * of the first behavior matching the target's path, its origin the first of the behavior's
   * target.
   */
  Distribution route(Distribution d, String target) {
    if (document == null) {
      return d;
    }
    io.opencdn.common.distribution.Distribution dist = document.forHost(d.host());
    int q = target.indexOf('?');
    Behavior b = dist.behaviorFor(q < 0 ? target : target.substring(0, q));
    Map<String, Origin> resolved = origins.get(dist.id());
    Route route =
        new Route(
            dist,
            b,
            target,
            resolved,
            document.hash(),
            b.responseHeadersPolicy() == null ? null : edits.get(b.responseHeadersPolicy()));
    return new Distribution(
        d.host(),
        resolved.get(route.failoverOrder().get(0).id()),
        d.trustForwardedHeaders(),
        route);
  }

  /**
   * The distribution for a host name as {@link #hostName} or {@link #requestHostName} yields it
   * (null: none), or null.
   */
  Distribution forName(String name) {
    Distribution d = name == null ? null : byHost.get(name);
    return d != null ? d : any;
  }

  /**
   * {@code hostName(requestHost(req))} without building the {@code host:port} text in the common
   * case (an authority whose host has no colon or bracket).
   */
  static String requestHostName(io.vertx.core.http.HttpServerRequest req) {
    io.vertx.core.net.HostAndPort a = req.authority();
    if (a != null) {
      String h = a.host();
      if (h != null
          && !h.isEmpty()
          && h.indexOf(':') < 0
          && h.charAt(0) != '['
          && h.equals(h.trim())) {
        if (h.endsWith(".")) {
          h = h.substring(0, h.length() - 1);
        }
        return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
      }
    }
    return hostName(requestHost(req));
  }

  /** The lower-case host name of a Host header value without port and trailing dot, or null. */
  public static String hostName(String hostHeader) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return null;
    }
    String h = hostHeader.trim();
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      h = close < 0 ? h.substring(1) : h.substring(1, close);
    } else {
      int colon = h.indexOf(':');
      h = colon < 0 ? h : h.substring(0, colon);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.isEmpty() ? null : h.toLowerCase(Locale.ROOT);
  }

  /**
   * The host the client asked for: the HTTP/1.1 {@code Host} header or the HTTP/2 {@code
   * :authority} (RFC 9113 8.3.1), as {@code host[:port]}; null when absent.
   */
  public static String requestHost(io.vertx.core.http.HttpServerRequest req) {
    io.vertx.core.net.HostAndPort a = req.authority();
    if (a != null && a.host() != null && !a.host().isEmpty()) {
      return a.port() > 0 ? a.host() + ":" + a.port() : a.host();
    }
    return req.getHeader("Host");
  }
}
