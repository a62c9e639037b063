package io.opencdn.edge.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.config.ConnectionsConfig;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.http.Listeners;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener ({@code tls:}): one server per event loop on the same address, with the {@link
 * TlsEngine} chosen at construction, the certificates of a {@link CertificateSet} picked by SNI,
 * and session ticket keys from a {@link TicketKeyRotation}. {@link #reload} re-reads the PEM files
 * and, when they changed and pass their checks, swaps them into every server ({@code
 * updateSSLOptions}): new handshakes get the new certificates, open connections keep theirs and are
 * never closed. The files are checked when the operating system reports a change in their
 * directories ({@link PemFileWatch}, {@value #SETTLE_MILLIS} ms later, so that a key and its
 * certificate renamed one after the other are read together) and every {@code watchMillis} in any
 * case; SIGHUP and {@code POST /_cdn/tls/reload} reload at once. A bad file is refused with an
 * error line and the certificates in use stay (until the files change again). Where the engine is
 * OpenSSL, an {@link OcspStapler} staples each certificate's OCSP response.
 */
public final class TlsListener {

  /** Wait between a change reported in the files' directories and their check. */
  public static final long SETTLE_MILLIS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);

  private final Vertx vertx;
  private final String edgeId;
  private final TlsConfig tls;
  private final TlsEngine engine;
  private final TicketKeys tickets = new TicketKeys();
  private final TicketKeyRotation rotation;
  private final HttpServerOptions options;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final AtomicLong reloads = new AtomicLong();
  private final AtomicLong reloadFailures = new AtomicLong();
  private final Counter sniDefault;
  private final OcspStapler ocsp;
  private volatile CertificateSet current;
  private volatile SniCertificates sni;
  private volatile String lastFailedDigest;
  private volatile String deployment;
  private volatile long watchTimer = -1;
  private volatile PemFileWatch fileWatch;
  private final AtomicBoolean noticed = new AtomicBoolean();
  private final AtomicBoolean checking = new AtomicBoolean();
  private final AtomicBoolean checkAgain = new AtomicBoolean();
  private volatile int port = -1;
  private Future<JsonObject> reloading;
  private volatile List<CertificateSet.Pem> extra = List.of();

  /**
   * @param keyStore where ticket keys come from (the cluster's, or this edge's own)
   * @param registry where the TLS meters go
   * @throws io.opencdn.common.config.ConfigException when {@code tls.engine} is openssl and it does
   *     not load
   */
  public TlsListener(
      Vertx vertx,
      String edgeId,
      TlsConfig tls,
      ConnectionsConfig limits,
      TicketKeyStore keyStore,
      Clock clock,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.edgeId = edgeId;
    this.tls = tls;
    this.engine = TlsEngine.choose(tls.engine());
    this.rotation =
        new TicketKeyRotation(vertx, clock, tls.ticketKeyRotationSeconds(), keyStore, tickets);
    this.options =
        Listeners.options(limits)
            .setSsl(true)
            // SniKeyManager picks the certificate inside the engine's own selection
            .setSni(false)
            .setUseAlpn(tls.http2())
            .setSslEngineOptions(engine.options(tickets));
    if (tls.http2()) {
      options.setAlpnVersions(
          List.of(io.vertx.core.http.HttpVersion.HTTP_2, io.vertx.core.http.HttpVersion.HTTP_1_1));
    }
    Gauge.builder("cdn_tls_engine", () -> 1)
        .tag("engine", engine.name().toLowerCase(java.util.Locale.ROOT))
        .description("the TLS engine of the HTTPS listener (value 1)")
        .register(registry);
    FunctionCounter.builder("cdn_tls_reloads", reloads, AtomicLong::get)
        .description("certificate changes swapped in without a restart")
        .register(registry);
    FunctionCounter.builder("cdn_tls_reload_failures", reloadFailures, AtomicLong::get)
        .description(
            "certificate changes refused (unreadable, mismatched key); the old ones kept serving")
        .register(registry);
    this.sniDefault =
        Counter.builder("cdn_tls_sni_default")
            .description(
                "handshakes naming a host no certificate covers (served the default certificate)")
            .register(registry);
    this.ocsp =
        new OcspStapler(
            vertx, clock, edgeId, engine == TlsEngine.OPENSSL, Duration.ofSeconds(30), registry);
  }

  /**
   * Loads the certificates, installs the ticket keys, binds every instance; yields the bound port.
   */
  public Future<Integer> start(
      Handler<HttpConnection> connections, Handler<HttpServerRequest> requests) {
    return vertx
        .executeBlocking(() -> CertificateSet.load(vertx, tls, extra))
        .onSuccess(
            set ->
                LOG.info(
                    "edge {}: TLS engine {}{}",
                    edgeId,
                    engine.description(),
                    engine == TlsEngine.JDK
                        ? " (OpenSSL: " + TlsEngine.unavailability() + ")"
                        : ""))
        .compose(set -> rotation.start().map(set))
        .compose(
            set -> {
              use(set, new SniCertificates(engine, set.keys(), this::onDefault, ocsp::chosen));
              options.setKeyCertOptions(sni);
              int ask = Listeners.shared(tls.listen().port());
              return vertx.deployVerticle(
                  () ->
                      new VerticleBase() {
                        @Override
                        public Future<?> start() {
                          HttpServer s = vertx.createHttpServer(options);
                          servers.add(s);
                          return s.connectionHandler(connections)
                              .requestHandler(requests)
                              .listen(ask, tls.listen().host())
                              .onSuccess(bound -> port = bound.actualPort());
                        }
                      },
                  new DeploymentOptions().setInstances(Listeners.DEFAULT_INSTANCES));
            })
        .map(
            id -> {
              deployment = id;
              if (tls.watchMillis() > 0) {
                watchTimer = vertx.setPeriodic(tls.watchMillis(), t -> watch());
                fileWatch = PemFileWatch.start(files(), this::noticed, edgeId);
              }
              LOG.info(
                  "edge {} listening on https://{}:{} (http2 {})",
                  edgeId,
                  tls.listen().host(),
                  port,
                  tls.http2());
              return port;
            });
  }

  /** Stops watching and rotating, closes every instance (open connections with them). */
  public Future<Void> stop() {
    rotation.stop();
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
    }
    PemFileWatch w = fileWatch;
    if (w != null) {
      w.close();
    }
    Future<Void> stapler = ocsp.stop();
    return deployment == null
        ? stapler
        : Future.all(stapler, vertx.undeploy(deployment)).mapEmpty();
  }

  /** The bound port, -1 before {@link #start}. */
  public int port() {
    return port;
  }

  /** The engine in use. */
  public TlsEngine engine() {
    return engine;
  }

  /**
   * Re-reads the PEM files; when they changed and pass their checks, every server takes them for
   * its next handshakes. Yields {@code {"changed": bool, "certificates": [...]}}; fails (keeping
   * the certificates in use) when a file is unreadable or a key does not match its certificate.
   * Concurrent calls share one reload.
   */
  public synchronized Future<JsonObject> reload() {
    if (reloading != null) {
      return reloading;
    }
    Future<JsonObject> f =
        vertx
            .executeBlocking(() -> CertificateSet.load(vertx, tls, extra))
            .compose(
                set -> {
                  if (current != null && set.digest().equals(current.digest())) {
                    return Future.succeededFuture(result(false));
                  }
                  SniCertificates next =
                      new SniCertificates(engine, set.keys(), this::onDefault, ocsp::chosen);
                  ServerSSLOptions ssl = options.getSslOptions().copy().setKeyCertOptions(next);
                  return Future.all(
                          servers.stream().map(s -> s.updateSSLOptions(ssl, true)).toList())
                      .map(
                          all -> {
                            use(set, next);
                            reloads.incrementAndGet();
                            lastFailedDigest = null;
                            LOG.info(
                                "edge {}: TLS certificates reloaded: {}", edgeId, summary(set));
                            return result(true);
                          });
                })
            .onFailure(
                t -> {
                  if (t instanceof CertificateSet.Refused r) {
                    // not tried again until the files change
                    lastFailedDigest = r.digest();
                  }
                  reloadFailures.incrementAndGet();
                  LOG.error(
                      "edge {}: TLS certificates not reloaded, the ones in use stay: {}",
                      edgeId,
                      t.getMessage());
                });
    reloading = f;
    f.onComplete(
        r -> {
          synchronized (this) {
            reloading = null;
          }
        });
    return f;
  }

  /**
   * Serves {@code certificates} (obtained through ACME, received from the cluster) beside those of
   * the files, through the same checked reload: new handshakes get them, open connections keep what
   * they have. Yields what {@link #reload} yields; fails, keeping the certificates in use, when one
   * does not pass its checks.
   */
  public synchronized Future<JsonObject> serve(List<CertificateSet.Pem> certificates) {
    extra = List.copyOf(certificates);
    // a reload already under way may have read the previous list: a second one reads this one
    // (a reload started now reads it: no second load, parse and key check of every certificate)
    return reloading != null ? reload().transform(r -> reload()) : reload();
  }

  /** What {@code GET /_cdn/tls} shows: engine, certificates, reload counts, ticket key epoch. */
  public JsonObject stats() {
    CertificateSet set = current;
    return new JsonObject()
        .put("engine", engine.name().toLowerCase(java.util.Locale.ROOT))
        .put("engineVersion", engine.description())
        .put("listen", tls.listen().host() + ":" + port)
        .put("certificates", set == null ? null : certificates(set))
        .put("reloads", reloads.get())
        .put("reloadFailures", reloadFailures.get())
        .put("sniDefault", (long) sniDefault.count())
        .put(
            "ticketKeyEpoch",
            rotation.installedEpoch() == Long.MIN_VALUE ? null : rotation.installedEpoch())
        .put("ticketKeyRotationSeconds", tls.ticketKeyRotationSeconds())
        .put("sharedTicketKeys", engine == TlsEngine.OPENSSL)
        .put("ocspStapling", engine == TlsEngine.OPENSSL);
  }

  /** The certificates of {@code set}, each with its OCSP state. */
  private JsonArray certificates(CertificateSet set) {
    JsonArray a = set.json();
    for (int i = 0; i < a.size(); i++) {
      a.getJsonObject(i).put("ocsp", ocsp.json(set.certificates().get(i).sha256()));
    }
    return a;
  }

  /** {@code GET /_cdn/tls} and {@code POST /_cdn/tls/reload}, behind the admin token. */
  public AdminRoute route() {
    return new AdminRoute(
        "/_cdn/tls",
        true,
        req -> {
          String path = req.path();
          if (req.method() == HttpMethod.GET && path.equals("/_cdn/tls")) {
            json(req, 200, stats());
          } else if (req.method() == HttpMethod.POST && path.equals("/_cdn/tls/reload")) {
            reload()
                .onSuccess(r -> json(req, 200, r))
                .onFailure(t -> json(req, 422, new JsonObject().put("error", t.getMessage())));
          } else {
            json(req, 405, new JsonObject().put("error", "GET /_cdn/tls or POST /_cdn/tls/reload"));
          }
        });
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  /** The configured PEM files. */
  private List<String> files() {
    return tls.certificates().stream()
        .flatMap(c -> java.util.stream.Stream.of(c.cert(), c.key()))
        .toList();
  }

  /** A change reported in the files' directories (any thread): one check shortly after. */
  private void noticed() {
    if (noticed.compareAndSet(false, true)) {
      vertx.setTimer(
          SETTLE_MILLIS,
          t -> {
            noticed.set(false);
            watch();
          });
    }
  }

  /**
   * Reloads when the files' digest differs from the one served and from the last one refused. One
   * check at a time: a check asked for while one runs (a second file renamed meanwhile) runs after
   * it, so that it reads the files as they are then.
   */
  private void watch() {
    if (!checking.compareAndSet(false, true)) {
      checkAgain.set(true);
      return;
    }
    checkAgain.set(false);
    vertx
        .executeBlocking(() -> CertificateSet.digest(tls, extra))
        .compose(
            d -> {
              CertificateSet set = current;
              if (set != null && !d.equals(set.digest()) && !d.equals(lastFailedDigest)) {
                return reload().<Void>mapEmpty().otherwiseEmpty();
              }
              return Future.<Void>succeededFuture();
            })
        .onComplete(
            // a file missing for a moment (being replaced by rename) fails the digest: the next
            // check sees the new one
            r -> {
              checking.set(false);
              if (checkAgain.getAndSet(false)) {
                watch();
              }
            });
  }

  private void use(CertificateSet set, SniCertificates served) {
    current = set;
    sni = served;
    ocsp.track(set);
  }

  private void onDefault(String name) {
    sniDefault.increment();
    SniCertificates s = sni;
    if (s != null && s.firstTime(name)) {
      LOG.warn(
          "edge {}: no certificate for TLS server name {}: serving the default one ({})",
          edgeId,
          io.opencdn.edge.metrics.LogText.escape(name),
          current.certificates().get(0).names());
    }
  }

  private JsonObject result(boolean changed) {
    return new JsonObject().put("changed", changed).put("certificates", current.json());
  }

  private static String summary(CertificateSet set) {
    return set.certificates().stream()
        .map(i -> i.names() + " until " + i.notAfter())
        .toList()
        .toString();
  }
}
