package io.opencdn.edge.cluster.status;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The status view's HTTP GETs: edges' health and stats, DNS servers' {@code /healthz} and {@code
 * /route}. No connection reuse, so an edge that died is seen on the next request (connection
 * refused), as the DNS server's health checks see it.
 */
final class StatusHttp {

  /** A response: its status and body. */
  record Reply(int status, String body) {}

  private final HttpClient client;
  private final long timeoutMillis;

  StatusHttp(Vertx vertx, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(false).setConnectTimeout((int) timeoutMillis),
            new PoolOptions().setHttp1MaxSize(32));
  }

  /** {@code GET http://host:port/uri}, with {@code Authorization: Bearer token} when not null. */
  Future<Reply> get(String host, int port, String uri, String token) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(host)
            .setPort(port)
            .setURI(uri)
            .setTimeout(timeoutMillis);
    if (token != null) {
      options.putHeader("Authorization", "Bearer " + token);
    }
    return client
        .request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString())));
  }

  /** {@code GET base + uri} for a base URL {@code http://host:port}. */
  Future<Reply> get(String baseUrl, String uri, String token) {
    java.net.URI u;
    try {
      u = java.net.URI.create(baseUrl);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String host = u.getHost();
    if (host == null || !"http".equals(u.getScheme())) {
      return Future.failedFuture(new IllegalStateException("not an http:// URL: " + baseUrl));
    }
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return get(host, u.getPort() > 0 ? u.getPort() : 80, uri, token);
  }

  void close() {
    client.close();
  }
}
