package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * {@code GET http://<ipv4 or [ipv6]>:<httpPort>/_cdn/health}: any 2xx within the timeout passes.
 * Connections are not reused, so a process that died is noticed on the next probe (connection
 * refused) instead of after a pooled connection times out.
 */
public final class HttpHealthProbe implements HealthProbe, AutoCloseable {

  /** Path of the edge health endpoint. */
  public static final String PATH = "/_cdn/health";

  private final HttpClient client;
  private final long timeoutMillis;

  public HttpHealthProbe(Vertx vertx, long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(false).setConnectTimeout((int) timeoutMillis),
            new PoolOptions().setHttp1MaxSize(64));
  }

  @Override
  public Future<Boolean> probe(EdgeRecord edge) {
    return get(edge.ipv4() != null ? edge.ipv4() : edge.ipv6(), edge.httpPort(), PATH);
  }

  /** {@code GET http://host:port/uri}: true on any 2xx within the timeout. */
  public Future<Boolean> get(String host, int port, String uri) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(host)
            .setPort(port)
            .setURI(uri)
            .setTimeout(timeoutMillis);
    return client
        .request(options)
        .compose(req -> req.send())
        // the status decides; the body is not read (the connection is not reused), so a lost
        // body chunk can never leave a probe hanging
        .map(resp -> resp.statusCode() / 100 == 2)
        .otherwise(false);
  }

  @Override
  public void close() {
    client.close();
  }
}
