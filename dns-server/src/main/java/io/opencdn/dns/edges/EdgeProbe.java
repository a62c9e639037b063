package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.dns.config.StaticEdge;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The health check of each edge: cluster edges get {@code GET /_cdn/health} on their HTTP port
 * ({@link HttpHealthProbe}); a {@link StaticEdge} gets a GET of its {@code healthUrl}, a TCP
 * connect to {@code healthPort}, or no check at all (always passes). A cluster edge with the id of
 * a static edge is checked as a cluster edge (it has a member behind it).
 */
public final class EdgeProbe implements HealthProbe, AutoCloseable {

  private final HttpHealthProbe http;
  private final NetClient tcp;
  private final Map<String, StaticEdge> statics = new HashMap<>();

  public EdgeProbe(Vertx vertx, long timeoutMillis, List<StaticEdge> staticEdges) {
    this.http = new HttpHealthProbe(vertx, timeoutMillis);
    this.tcp = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
    staticEdges.forEach(s -> statics.put(s.id(), s));
  }

  @Override
  public Future<Boolean> probe(EdgeRecord edge) {
    StaticEdge s = edge.memberUuid() == null ? statics.get(edge.id()) : null;
    if (s == null) {
      return http.probe(edge);
    }
    if (s.healthUrl() != null) {
      URI u = URI.create(s.healthUrl());
      String path =
          (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
              + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
      String host =
          u.getHost().startsWith("[")
              ? u.getHost().substring(1, u.getHost().length() - 1)
              : u.getHost();
      return http.get(host, u.getPort() > 0 ? u.getPort() : 80, path);
    }
    if (s.healthPort() != null) {
      String host = s.ipv4() != null ? s.ipv4() : s.ipv6();
      return tcp.connect(s.healthPort(), host).compose(so -> so.close().map(true)).otherwise(false);
    }
    return Future.succeededFuture(true);
  }

  @Override
  public void close() {
    http.close();
    tcp.close();
  }
}
