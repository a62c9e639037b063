package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.admin.status.StatusEndpoints;
import io.opencdn.edge.admin.status.StatusSessions;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.CacheTiers;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.ConfigPlane;
import io.opencdn.edge.cluster.EdgeCluster;
import io.opencdn.edge.cluster.acme.DistributionCertificates;
import io.opencdn.edge.cluster.status.StatusView;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.fill.Failover;
import io.opencdn.edge.fill.FillOutcome;
import io.opencdn.edge.fill.FillerChain;
import io.opencdn.edge.fill.Origin;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.http.AccessLog;
import io.opencdn.edge.http.AdminListener;
import io.opencdn.edge.http.ConnectionGuard;
import io.opencdn.edge.http.ContentListener;
import io.opencdn.edge.http.Distributions;
import io.opencdn.edge.http.EdgeHandler;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.edge.metrics.LoadMeter;
import io.opencdn.edge.serve.ServePolicy;
import io.opencdn.edge.tls.LocalTicketKeyStore;
import io.opencdn.edge.tls.TlsListener;
import io.opencdn.live.LiveServer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge: an HTTP caching reverse proxy for the configured distributions, plus its part of the
 * cluster when a Hazelcast instance is given. This class only wires the stages together and starts
 * and stops the listeners.
 *
 * <p>Request flow: {@code http} (listeners, Host to distribution, responses) -> {@code serve} (the
 * decision for a request and what is stored) -> {@code fill} (one collapsed fill per key) -> {@code
 * cache} (the tiers). {@code cluster} plugs in through what those stages define: it decorates the
 * cache tier, supplies the filler, and returns the {@code admin} routes it serves. Live streaming
 * (module {@code live}, the {@code live} section) runs beside: its RTMP listener of its own, its
 * HLS paths routed by {@code http}, {@code /_cdn/live} among the admin routes. Construct, then
 * {@link #start()}; {@link #stop()} leaves the registry first so DNS stops sending clients before
 * the listener closes.
 */
public final class EdgeNode {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final ResponseCache cache;
  private final OriginClient origin;
  private final EdgeMetrics metrics = new EdgeMetrics();
  private final LoadMeter load = new LoadMeter();
  private final AdminToken token;
  private final boolean tokenGenerated;
  private final AdminEndpoints admin;
  private final EdgeHandler handler;
  private final EdgeCluster cluster;
  private final ConnectionGuard guard;
  private final ConfigPlane plane;
  private final AsyncLineWriter accessWriter;
  private final LiveServer live;
  private final StatusView status;
  private final ContentListener listener;
  private final TlsListener tls;
  private final DistributionCertificates acme;
  private final AdminListener adminListener;
  private int port = -1;

  /**
   * An edge with the cache tiers of {@code config.cache()} (memory, and disk with {@code
   * diskPath}).
   */
  public EdgeNode(Vertx vertx, EdgeConfig config, HazelcastInstance hz, Clock clock) {
    this(vertx, config, hz, clock, CacheTiers.of(vertx, config.cache(), clock));
  }

  /**
   * An edge with the given cache tiers (tests run the same suite against each tier).
   *
   * @param hz cluster member to register in, or null for a standalone edge
   * @param tiers the cache tiers, and the disk tier of large objects if any
   */
  public EdgeNode(
      Vertx vertx, EdgeConfig config, HazelcastInstance hz, Clock clock, CacheTiers tiers) {
    this.vertx = vertx;
    this.config = config;
    this.tokenGenerated = config.adminToken().isEmpty();
    this.token = AdminToken.of(config.adminToken());
    this.origin =
        new OriginClient(
            vertx, clock, config.origin().connectTimeoutMillis(), config.origin().timeoutMillis());
    SingleFlight<CacheKey, FillOutcome> flights = new SingleFlight<>();
    this.cluster =
        hz == null
            ? null
            : new EdgeCluster(vertx, config, hz, clock, tiers.cache(), origin, flights::inFlight);
    CacheTiers served = cluster == null ? tiers : tiers.through(cluster.cache());
    this.cache = served.cache();
    this.plane =
        hz == null
            ? null
            : new ConfigPlane(
                vertx, hz, config.id(), config.cluster().secret(), clock, doc -> activate(doc));
    this.live =
        config.live() == null
            ? null
            : LiveServer.create(
                vertx,
                config.live(),
                config.id(),
                config.advertise().hostOr(config.listen().host()),
                hz,
                config.cluster() == null ? null : config.cluster().secret(),
                clock);
    List<AdminRoute> routes = new ArrayList<>(cluster == null ? List.of() : cluster.routes());
    if (plane != null) {
      routes.add(plane.route());
    }
    this.status =
        cluster == null
            ? null
            : new StatusView(
                vertx, hz, cluster, config.id(), config.cluster().secret(), token.value(), clock);
    if (status != null) {
      routes.add(new StatusEndpoints(vertx, token, new StatusSessions(clock), status).route());
    }
    if (live != null) {
      routes.add(AdminRoute.json(AdminEndpoints.PREFIX + "live", live::stats));
    }
    this.tls =
        config.tls() == null
            ? null
            : new TlsListener(
                vertx,
                config.id(),
                config.tls(),
                config.connections(),
                cluster == null ? new LocalTicketKeyStore() : cluster.ticketKeys(),
                clock,
                metrics.registry());
    if (tls != null) {
      routes.add(tls.route());
    }
    this.acme =
        tls == null || hz == null
            ? null
            : new DistributionCertificates(
                vertx,
                hz,
                config.id(),
                config.tls().acme(),
                config.cluster().secret(),
                config.tls().watchMillis(),
                clock,
                tls::serve);
    if (acme != null) {
      routes.add(acme.route());
    }
    this.admin =
        new AdminEndpoints(
            config.id(),
            config.region(),
            token,
            metrics,
            cache,
            flights::size,
            cluster == null ? () -> EdgeState.ACTIVE.name() : () -> cluster.state().name(),
            routes);
    this.adminListener =
        config.admin() == null
            ? null
            : new AdminListener(vertx, config.id(), config.admin(), admin);
    this.listener = new ContentListener(vertx, config.listen(), config.connections());
    Predicate<Origin> originFailing =
        cluster == null ? o -> false : cluster.originHealth()::failing;
    ServePolicy policy = new ServePolicy(CacheSettings.of(config.cache()), originFailing);
    this.accessWriter = AccessLog.openWriter(config.accessLog());
    this.handler =
        new EdgeHandler(
            config.id(),
            config.region(),
            new Distributions(config.distributions()),
            admin,
            config.admin() != null,
            served,
            new FillerChain(cluster == null ? Failover.filler(origin) : cluster.filler()),
            origin,
            clock,
            policy,
            metrics,
            flights,
            live,
            new AccessLog(
                accessWriter, config.accessLog(), config.id(), config.region(), clock, metrics),
            this::tlsPort,
            cluster == null ? null : cluster.peerToken().header());
    handler.geoDatabase(config.geoipDatabase());
    this.guard = new ConnectionGuard(vertx, config.connections(), load);
    EdgeGauges.register(metrics.registry(), accessWriter, tiers, cluster, hz, live, guard);
  }

  /** Binds the HTTP listener, then registers in the cluster; yields the bound port. */
  public Future<Integer> start() {
    if (tokenGenerated) {
      LOG.info("edge {}: no adminToken configured, generated {}", config.id(), token.value());
    }
    guard.start();
    Future<Void> current = plane == null ? Future.succeededFuture() : plane.start();
    // the plain listeners answer ACME HTTP-01 challenges before anything else (RFC 8555 8.3)
    Handler<HttpServerRequest> plain =
        acme == null ? handler : acme.httpChallenges().before(handler);
    return current
        .compose(v -> listener.start(guard.connections(), guard.requests(plain)))
        .compose(
            bound ->
                tls == null
                    ? Future.succeededFuture(bound)
                    : tls.start(guard.connections(), guard.requests(handler))
                        .compose(p -> acme == null ? Future.succeededFuture() : acme.start())
                        .map(bound))
        .compose(
            bound ->
                (adminListener == null ? Future.<Void>succeededFuture() : adminListener.start())
                    .map(bound))
        .compose(
            bound -> {
              port = bound;
              return live == null ? Future.succeededFuture(bound) : live.start(port).map(bound);
            })
        .compose(
            s ->
                cluster == null
                    ? Future.succeededFuture(port)
                    : cluster.start(port, metrics::requests, load).map(port));
  }

  /** Removes the registry entry, then closes the listener, the origin client and the cache. */
  public Future<Void> stop() {
    if (status != null) {
      status.stop();
    }
    guard.stop();
    Future<Void> leave =
        (live == null
                ? Future.<Void>succeededFuture()
                : live.stop().recover(e -> Future.succeededFuture()))
            .compose(
                v ->
                    plane == null
                        ? Future.<Void>succeededFuture()
                        : plane.stop().recover(t -> Future.succeededFuture()))
            .compose(v -> cluster == null ? Future.succeededFuture() : cluster.stop());
    return leave
        .compose(v -> listener.close())
        .compose(
            v -> {
              if (acme != null) {
                acme.stop();
              }
              return tls == null ? Future.<Void>succeededFuture() : tls.stop();
            })
        .compose(
            v -> adminListener == null ? Future.<Void>succeededFuture() : adminListener.close())
        .compose(v -> origin.close())
        .compose(v -> cache.close())
        .compose(v -> AsyncLineWriter.close(vertx, accessWriter));
  }

  /**
   * The cluster part of this edge (registry, drain, fills, invalidations), or null when standalone.
   */
  public EdgeCluster cluster() {
    return cluster;
  }

  /** Live streaming ({@code live} section), or null. */
  public LiveServer live() {
    return live;
  }

  /** The bound HTTP port, -1 before {@link #start()}. */
  public int port() {
    return port;
  }

  /** The bound HTTPS port, -1 without {@code tls} or before {@link #start()}. */
  public int tlsPort() {
    return tls == null ? -1 : tls.port();
  }

  /** The HTTPS listener (engine, certificates and their reload), or null without {@code tls}. */
  public TlsListener tls() {
    return tls;
  }

  /** The bound port of the admin listener, -1 without {@code admin} or before {@link #start()}. */
  public int adminPort() {
    return adminListener == null ? -1 : adminListener.port();
  }

  /**
   * Activates a {@code distributions.yaml} version: requests that already matched a distribution
   * finish under the old one, later requests get this one.
   */
  public void activate(DistributionsDocument doc) {
    handler.activate(Distributions.of(doc));
    if (acme != null) {
      acme.activate(doc);
    }
  }

  /** The distributions requests are matched against now. */
  public Distributions distributions() {
    return handler.distributions();
  }

  /** The configuration this edge runs with. */
  public EdgeConfig config() {
    return config;
  }

  /** The admin token (configured or generated). */
  public String adminToken() {
    return token.value();
  }

  /** The guard of client connections (caps, request head deadlines). */
  public ConnectionGuard connections() {
    return guard;
  }

  /** Request counters. */
  public EdgeMetrics metrics() {
    return metrics;
  }

  /** The cache tier (e.g. for purges: {@link ResponseCache#purge}). */
  public ResponseCache cache() {
    return cache;
  }

  /** Size of the cache tier. */
  public CacheStats cacheStats() {
    return cache.stats();
  }

  /** The JSON served by {@code /_cdn/stats}. */
  public JsonObject stats() {
    return admin.stats();
  }
}
