package io.opencdn.edge.http;

import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.fill.Origin;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps a request's Host to its {@link Distribution}: an exact, case-insensitive match of the host
 * name (port and trailing dot ignored), else the {@code *} distribution if configured. A Host that
 * matches nothing is refused, so the edge never acts as an open proxy.
 */
public final class Distributions {

  private final Map<String, Distribution> byHost = new HashMap<>();
  private final Distribution any;

  public Distributions(List<DistributionConfig> configs) {
    Distribution wildcard = null;
    for (DistributionConfig c : configs) {
      Distribution d = new Distribution(c.host().toLowerCase(Locale.ROOT), Origin.of(c.originUri()),
          c.trustForwardedHeaders());
      if (c.host().equals(DistributionConfig.ANY_HOST)) {
        wildcard = d;
      } else {
        byHost.put(d.host(), d);
      }
    }
    this.any = wildcard;
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
   * {@code hostName(requestHost(req))} without building the {@code host:port} text in the
   * common case (an authority whose host has no colon or bracket).
   */
  static String requestHostName(io.vertx.core.http.HttpServerRequest req) {
    io.vertx.core.net.HostAndPort a = req.authority();
    if (a != null) {
      String h = a.host();
      if (h != null && !h.isEmpty() && h.indexOf(':') < 0 && h.charAt(0) != '[' && h.equals(h.trim())) {
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
   * The host the client asked for: the HTTP/1.1 {@code Host} header or the HTTP/2
   * {@code :authority} (RFC 9113 8.3.1), as {@code host[:port]}; null when absent.
   */
  public static String requestHost(io.vertx.core.http.HttpServerRequest req) {
    io.vertx.core.net.HostAndPort a = req.authority();
    if (a != null && a.host() != null && !a.host().isEmpty()) {
      return a.port() > 0 ? a.host() + ":" + a.port() : a.host();
    }
    return req.getHeader("Host");
  }
}
