package io.opencdn.edge.http;

import io.opencdn.edge.config.ConnectionsConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * More instances of the edge's HTTP listener on the same address, one per event loop: a Vert.x
 * server created outside a verticle runs on a single event loop, so on its own it would use one
 * core. Vert.x shares the bound socket between the instances and spreads connections over them. The
 * handlers are shared and thread-safe.
 */
public final class Listeners {

  /** Listener instances by default: one per available processor. */
  public static final int DEFAULT_INSTANCES =
      Math.max(1, Runtime.getRuntime().availableProcessors());

  /** {@link #options(ConnectionsConfig)} with the default limits. */
  public static HttpServerOptions options() {
    return options(ConnectionsConfig.DEFAULTS);
  }

  /**
   * HTTP/1.1 server options of the edge: no h2c upgrade or WebSocket compression handlers; the idle
   * timeout, the TLS handshake timeout and the HTTP/2 limits of {@code limits} (SETTINGS
   * MAX_CONCURRENT_STREAMS, and the RST_STREAM flood bound of the rapid reset attack); HTTP/2
   * header blocks stay within Netty's default header list size (8 KiB): a longer block, however
   * many CONTINUATION frames carry it, closes the connection. The other bounds are {@link
   * ConnectionGuard}'s.
   */
  public static HttpServerOptions options(ConnectionsConfig limits) {
    HttpServerOptions o =
        new HttpServerOptions()
            .setMaxHeaderSize(65536)
            .setIdleTimeout(limits.idleTimeoutSeconds())
            .setHttp2ClearTextEnabled(false)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setSslHandshakeTimeout(limits.headerTimeoutMillis())
            .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
            .setHttp2RstFloodMaxRstFramePerWindow(limits.http2ResetsPerWindow())
            .setHttp2RstFloodWindowDuration(limits.http2ResetWindowSeconds())
            .setHttp2RstFloodWindowDurationTimeUnit(java.util.concurrent.TimeUnit.SECONDS);
    o.getInitialSettings().setMaxConcurrentStreams(limits.http2MaxConcurrentStreams());
    return o;
  }

  /**
   * {@link #options()} for HTTPS: TLS with SNI (the certificate whose names match the client's
   * server name, else the first), certificates and keys from PEM files, and ALPN offering h2 and
   * http/1.1 when {@code http2}.
   *
   * @param certAndKeyPaths pairs of PEM certificate chain path and PEM private key path
   */
  public static HttpServerOptions tlsOptions(
      java.util.List<java.util.Map.Entry<String, String>> certAndKeyPaths, boolean http2) {
    return tlsOptions(certAndKeyPaths, http2, ConnectionsConfig.DEFAULTS);
  }

  /** {@link #tlsOptions(java.util.List, boolean)} with the given connection limits. */
  public static HttpServerOptions tlsOptions(
      java.util.List<java.util.Map.Entry<String, String>> certAndKeyPaths,
      boolean http2,
      ConnectionsConfig limits) {
    io.vertx.core.net.PemKeyCertOptions pem = new io.vertx.core.net.PemKeyCertOptions();
    for (var e : certAndKeyPaths) {
      pem.addCertPath(e.getKey()).addKeyPath(e.getValue());
    }
    HttpServerOptions o =
        options(limits).setSsl(true).setSni(true).setKeyCertOptions(pem).setUseAlpn(http2);
    if (http2) {
      o.setAlpnVersions(
          java.util.List.of(
              io.vertx.core.http.HttpVersion.HTTP_2, io.vertx.core.http.HttpVersion.HTTP_1_1));
    }
    return o;
  }

  private Listeners() {}

  /** The last negative port handed out by {@link #shared}. */
  private static final java.util.concurrent.atomic.AtomicInteger SHARED =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * The port to ask Vert.x for, once per listener, so that all its instances share one socket:
   * {@code port} itself, or for port 0 a negative number no other listener of this JVM was given
   * (Vert.x binds a random port per instance for 0, and one random port per negative number, shared
   * by every server asking for that number).
   */
  public static int shared(int port) {
    return port == 0 ? SHARED.decrementAndGet() : port;
  }

  /**
   * Deploys {@code instances} listeners on {@code host:port}, each a verticle with its own context
   * (Vert.x gives consecutive deployments consecutive event loops, and shares one bound socket
   * between them; port 0 is asked as {@link #shared} so that one random port serves them all);
   * {@code bound} is told the port bound. Yields the deployment id to undeploy at stop.
   */
  public static Future<String> deploy(
      Vertx vertx,
      HttpServerOptions options,
      int instances,
      Handler<HttpConnection> connections,
      Handler<HttpServerRequest> requests,
      String host,
      int port,
      java.util.function.IntConsumer bound) {
    int ask = shared(port);
    return vertx.deployVerticle(
        () ->
            new VerticleBase() {
              @Override
              public Future<?> start() {
                return vertx
                    .createHttpServer(options)
                    .connectionHandler(connections)
                    .requestHandler(requests)
                    .listen(ask, host)
                    .onSuccess(s -> bound.accept(s.actualPort()));
              }
            },
        new DeploymentOptions().setInstances(Math.max(1, instances)));
  }
}
