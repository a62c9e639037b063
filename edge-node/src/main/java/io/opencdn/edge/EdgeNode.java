package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.DiskCache;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.cache.TieredCache;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.EdgeCluster;
import io.opencdn.edge.cluster.LoadMeter;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.fill.FillerChain;
import io.opencdn.edge.fill.SingleFlight;
import io.opencdn.edge.http.FillOutcome;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.http.CacheSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.opencdn.edge.http.Distributions;
import io.opencdn.edge.http.EdgeHandler;
import io.opencdn.edge.http.EdgeMetrics;
import io.opencdn.edge.http.Listeners;
import io.opencdn.edge.latency.LatencyProber;
import io.opencdn.edge.latency.TcpConnectConnector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge: an HTTP caching reverse proxy for the configured distributions, plus its entry in the
 * cluster registry when a Hazelcast instance is given.
 *
 * <p>Request flow: {@code http} (Host to distribution, admin endpoints) -> {@code cache} (lookup and
 * RFC 9111 freshness) -> {@code fill} (one collapsed origin request per key) -> {@code cluster}
 * (registry heartbeat). Construct, then {@link #start()}; {@link #stop()} leaves the registry first
 * so DNS stops sending clients before the listener closes.
 */
public final class EdgeNode {

  private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);
  /** Interval of registry heartbeats. */
  public static final long HEARTBEAT_MILLIS = 1000;
  private static final String CACHE_IMMUTABLE_HEADERS = "vertx.cacheImmutableHttpResponseHeaders";
  private static final String REJECTED = "cluster records ignored: tag not verified (forged) or stale/replayed";

  private final Vertx vertx;
  private final EdgeConfig config;
  private final HazelcastInstance hz;
  private final Clock clock;
  private final ResponseCache cache;
  private final OriginClient origin;
  private final EdgeMetrics metrics = new EdgeMetrics();
  private final AdminToken token;
  private final boolean tokenGenerated;
  private final EdgeHandler handler;
  private final FillerChain fillers;
  private HttpServer server;
  private volatile String extraListeners;
  private HttpServer tlsServer;
  private volatile String extraTlsListeners;
  private volatile int tlsPort = -1;
  private HttpServer adminServer;
  private volatile int adminPort = -1;
  private final EdgeCluster cluster;
  private final LatencyProber prober;
  private final LoadMeter load = new LoadMeter();
  private final io.opencdn.edge.http.ConnectionGuard guard;
  private int port = -1;

  /** An edge with the memory cache tier sized by {@code config.cache()}. */
  public EdgeNode(Vertx vertx, EdgeConfig config, HazelcastInstance hz, Clock clock) {
    this(vertx, config, hz, clock, defaultCache(vertx, config.cache(), clock));
  }

  /**
   * The cache tiers of {@code cache}: memory, plus a disk tier behind it when {@code diskPath}
   * is set (its index is rebuilt from the files there, so this blocks while it reads them).
   */
  public static ResponseCache defaultCache(Vertx vertx, CacheConfig cache, Clock clock) {
    MemoryCache memory = new MemoryCache(cache.memoryBytes(), clock);
    if (cache.diskPath() == null) {
      return memory;
    }
    return new TieredCache(memory, new DiskCache(vertx, java.nio.file.Path.of(cache.diskPath()), cache.diskBytes(), clock,
        MemoryCache.DEFAULT_STALE_RETENTION_MILLIS, cache.maxObjectBytes()));
  }

  /**
   * An edge with the given cache tier (tests run the same suite against each tier).
   *
   * @param hz cluster member to register in, or null for a standalone edge
   */
  public EdgeNode(Vertx vertx, EdgeConfig config, HazelcastInstance hz, Clock clock, ResponseCache cache) {
    this.vertx = vertx;
    this.config = config;
    this.hz = hz;
    this.clock = clock;
    this.tokenGenerated = config.adminToken().isEmpty();
    this.token = AdminToken.of(config.adminToken());
    this.origin = new OriginClient(vertx, clock, config.origin().connectTimeoutMillis(), config.origin().timeoutMillis());
    SingleFlight<CacheKey, FillOutcome> flights = new SingleFlight<>();
    this.cluster = hz == null ? null : new EdgeCluster(vertx, config, hz, clock, cache, origin, flights::inFlight);
    this.cache = cluster == null ? cache : cluster.cache();
    this.fillers = new FillerChain(cluster == null ? origin : cluster.filler());
    CacheConfig c = config.cache();
    this.handler = new EdgeHandler(config.id(), config.region(), new Distributions(config.distributions()), token,
        this.cache, fillers, origin, clock, new CacheSettings(c.maxObjectBytes(), c.staleWhileRevalidateSeconds(),
            c.staleIfErrorSeconds(), c.heuristicMaxSeconds(), c.diskMaxObjectBytes()), metrics, flights);
    if (config.admin() != null) {
      handler.adminElsewhere(); // before any listener is bound
    }
    if (cache instanceof TieredCache tiered && tiered.disk() instanceof DiskCache disk) {
      handler.largeObjects(disk); // responses over maxObjectBytes go to disk-only entries
    }
    Gauge.builder("cdn_cache_entries", cache, r -> r.stats().entries()).register(metrics.registry());
    Gauge.builder("cdn_cache_bytes", cache, r -> r.stats().bytes()).register(metrics.registry());
    FunctionCounter.builder("cdn_cache_evictions", cache, r -> r.stats().evictions()).register(metrics.registry());
    if (cluster != null) {
      cluster.routes(handler.admin());
      handler.originFailing(cluster.originHealth()::failing);
      cluster.recordChecks().forEach((map, check) -> {
        FunctionCounter.builder("cdn_cluster_records_rejected", check, k -> k.forgedCount()).tag("map", map)
            .tag("reason", "forged").description(REJECTED).register(metrics.registry());
        FunctionCounter.builder("cdn_cluster_records_rejected", check, k -> k.staleCount()).tag("map", map)
            .tag("reason", "stale").description(REJECTED).register(metrics.registry());
      });
      FunctionCounter.builder("cdn_cluster_records_rejected", cluster.directory(), d -> d.forgedRecords())
          .tag("map", io.opencdn.common.cluster.ClusterMaps.CACHE_DIRECTORY).tag("reason", "forged").description(REJECTED)
          .register(metrics.registry());
    }
    this.guard = new io.opencdn.edge.http.ConnectionGuard(vertx, config.connections(), load);
    Gauge.builder("cdn_client_connections", guard, g -> g.openConnections())
        .description("client connections open").register(metrics.registry());
    FunctionCounter.builder("cdn_client_connections_refused", guard, g -> g.refusedConnections())
        .description("client connections closed at once: maxConnections or maxConnectionsPerAddress reached")
        .register(metrics.registry());
    FunctionCounter.builder("cdn_client_connections_timed_out", guard, g -> g.timedOutConnections())
        .description("client connections closed for want of a complete request head in time")
        .register(metrics.registry());
    this.prober = hz == null || !config.latency().enabled() ? null
        : new LatencyProber(vertx, hz, config.id(), config.latency(), new TcpConnectConnector(), clock,
            cluster.recordChecks().get(io.opencdn.common.cluster.ClusterMaps.LATENCY_TARGETS));
  }

  /** Binds the HTTP listener, then registers in the cluster; yields the bound port. */
  public Future<Integer> start() {
    if (tokenGenerated) {
      LOG.info("edge {}: no adminToken configured, generated {}", config.id(), token.value());
    }
    if (System.getProperty(CACHE_IMMUTABLE_HEADERS) == null) {
      // Vert.x then reuses the encoded bytes of read-only header maps, e.g. the hit path's
      // pre-built header blocks (read per connection; only read-only maps are affected)
      System.setProperty(CACHE_IMMUTABLE_HEADERS, "true");
    }
    HttpServerOptions options = Listeners.options(config.connections());
    server = vertx.createHttpServer(options);
    guard.start();
    return server.connectionHandler(guard.connections()).requestHandler(guard.requests(handler))
        .listen(config.listen().port(), config.listen().host())
        .compose(s -> Listeners.more(vertx, options, Listeners.DEFAULT_INSTANCES - 1, guard.connections(),
            guard.requests(handler), config.listen().host(), config.listen().port()).map(id -> {
              extraListeners = id;
              return s;
            }))
        .compose(s -> startTls().map(s))
        .compose(s -> startAdmin().map(s))
        .compose(s -> {
          port = s.actualPort();
          if (hz == null) {
            return Future.succeededFuture(port);
          }
          return cluster.start(port, edgeRecord(), metrics::requests, load).map(port).onSuccess(p -> {
            if (prober != null) {
              prober.start();
            }
          });
        });
  }

  /** Removes the registry entry, then closes the listener, the origin client and the cache. */
  public Future<Void> stop() {
    if (prober != null) {
      prober.stop();
    }
    guard.stop();
    Future<Void> leave = cluster == null ? Future.succeededFuture() : cluster.stop();
    return leave
        .compose(v -> extraListeners == null ? Future.<Void>succeededFuture() : vertx.undeploy(extraListeners))
        .compose(v -> extraTlsListeners == null ? Future.<Void>succeededFuture() : vertx.undeploy(extraTlsListeners))
        .compose(v -> tlsServer == null ? Future.<Void>succeededFuture() : tlsServer.close())
        .compose(v -> adminServer == null ? Future.<Void>succeededFuture() : adminServer.close())
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> origin.close())
        .compose(v -> cache.close());
  }

  /** The cluster part of this edge (registry, drain, fills, invalidations), or null when standalone. */
  public EdgeCluster cluster() {
    return cluster;
  }

  /** The latency prober ({@code latency.enabled} with a cluster), or null. */
  public LatencyProber prober() {
    return prober;
  }

  /** The bound HTTP port, -1 before {@link #start()}. */
  public int port() {
    return port;
  }

  /** The bound HTTPS port, -1 without {@code tls} or before {@link #start()}. */
  public int tlsPort() {
    return tlsPort;
  }

  /** The bound port of the admin listener, -1 without {@code admin} or before {@link #start()}. */
  public int adminPort() {
    return adminPort;
  }

  /**
   * The admin listener of {@code config.admin()}: {@code /_cdn/*} only (404 for anything else), one
   * instance; the content listeners keep only health and the peer endpoint.
   */
  private Future<Void> startAdmin() {
    AdminConfig admin = config.admin();
    if (admin == null) {
      return Future.succeededFuture();
    }
    adminServer = vertx.createHttpServer(Listeners.options());
    return adminServer.requestHandler(req -> {
      if (req.path() != null && req.path().startsWith(io.opencdn.edge.http.AdminHandler.PREFIX)) {
        handler.admin().handle(req);
      } else {
        req.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end("404 Not Found: this listener serves /_cdn/* only\n");
      }
    }).listen(admin.listen().port(), admin.listen().host()).map(s -> {
      adminPort = s.actualPort();
      LOG.info("edge {} admin endpoints on http://{}:{}/_cdn/", config.id(), admin.listen().host(), adminPort);
      return null;
    });
  }

  /** The HTTPS listener of {@code config.tls()} (HTTP/2 through ALPN), one instance per core. */
  private Future<Void> startTls() {
    TlsConfig tls = config.tls();
    if (tls == null) {
      return Future.succeededFuture();
    }
    HttpServerOptions options = Listeners.tlsOptions(
        tls.certificates().stream().map(c -> java.util.Map.entry(c.cert(), c.key())).toList(), tls.http2(),
        config.connections());
    tlsServer = vertx.createHttpServer(options);
    return tlsServer.connectionHandler(guard.connections()).requestHandler(guard.requests(handler))
        .listen(tls.listen().port(), tls.listen().host())
        .compose(s -> {
          tlsPort = s.actualPort();
          return Listeners.more(vertx, options, Listeners.DEFAULT_INSTANCES - 1, guard.connections(),
              guard.requests(handler), tls.listen().host(), tls.listen().port());
        })
        .map(id -> {
          extraTlsListeners = id;
          LOG.info("edge {} listening on https://{}:{} (http2 {})", config.id(), tls.listen().host(), tlsPort, tls.http2());
          return null;
        });
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
  public io.opencdn.edge.http.ConnectionGuard connections() {
    return guard;
  }

  /** Request counters. */
  public EdgeMetrics metrics() {
    return metrics;
  }

  /**
   * The fill chain: the origin last; a cluster peer filler is added with
   * {@code fillers().addFirst(...)} before {@link #start()}.
   */
  public FillerChain fillers() {
    return fillers;
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
    return handler.admin().stats();
  }

  private EdgeRecord edgeRecord() {
    AdvertiseConfig a = config.advertise();
    return new EdgeRecord(config.id(), config.region(), config.latitude(), config.longitude(), a.ipv4(), a.ipv6(),
        port, config.capacity(), 0, EdgeState.ACTIVE, hz.getLocalEndpoint().getUuid().toString(), clock.millis());
  }
}
