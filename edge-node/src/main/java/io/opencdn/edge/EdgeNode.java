package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.cache.CacheStats;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.EdgeRegistry;
import io.opencdn.edge.fill.OriginClient;
import io.opencdn.edge.http.Distributions;
import io.opencdn.edge.http.EdgeHandler;
import io.opencdn.edge.http.EdgeMetrics;
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
  private HttpServer server;
  private EdgeRegistry registry;
  private int port = -1;

  /** An edge with the memory cache tier sized by {@code config.cache()}. */
  public EdgeNode(Vertx vertx, EdgeConfig config, HazelcastInstance hz, Clock clock) {
    this(vertx, config, hz, clock, new MemoryCache(config.cache().memoryBytes(), clock));
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
    this.cache = cache;
    this.tokenGenerated = config.adminToken().isEmpty();
    this.token = AdminToken.of(config.adminToken());
    this.origin = new OriginClient(vertx, clock, config.origin().connectTimeoutMillis(), config.origin().timeoutMillis());
    this.handler = new EdgeHandler(config.id(), config.region(), new Distributions(config.distributions()), token,
        cache, origin, clock, config.cache().maxObjectBytes(), metrics);
  }

  /** Binds the HTTP listener, then registers in the cluster; yields the bound port. */
  public Future<Integer> start() {
    if (tokenGenerated) {
      LOG.info("edge {}: no adminToken configured, generated {}", config.id(), token.value());
    }
    server = vertx.createHttpServer(new HttpServerOptions().setMaxHeaderSize(65536).setIdleTimeout(120));
    return server.requestHandler(handler)
        .listen(config.listen().port(), config.listen().host())
        .compose(s -> {
          port = s.actualPort();
          if (hz == null) {
            return Future.succeededFuture(port);
          }
          registry = new EdgeRegistry(vertx, hz, edgeRecord(), metrics::requests, clock, HEARTBEAT_MILLIS);
          return registry.start().map(port);
        });
  }

  /** Removes the registry entry, then closes the listener, the origin client and the cache. */
  public Future<Void> stop() {
    Future<Void> leave = registry == null ? Future.succeededFuture() : registry.stop().recover(t -> Future.succeededFuture());
    return leave
        .compose(v -> server == null ? Future.succeededFuture() : server.close())
        .compose(v -> origin.close())
        .compose(v -> cache.close());
  }

  /** The bound HTTP port, -1 before {@link #start()}. */
  public int port() {
    return port;
  }

  /** The configuration this edge runs with. */
  public EdgeConfig config() {
    return config;
  }

  /** The admin token (configured or generated). */
  public String adminToken() {
    return token.value();
  }

  /** Request counters. */
  public EdgeMetrics metrics() {
    return metrics;
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
