package io.opencdn.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.admin.ClusterEndpoints;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.latency.LatencyProber;
import io.opencdn.edge.cluster.latency.TcpConnectConnector;
import io.opencdn.edge.cluster.peer.PeerClient;
import io.opencdn.edge.cluster.peer.PeerEndpoint;
import io.opencdn.edge.cluster.peer.PeerToken;
import io.opencdn.edge.cluster.purge.Invalidations;
import io.opencdn.edge.cluster.purge.PurgeLog;
import io.opencdn.edge.cluster.purge.PurgeRequest;
import io.opencdn.edge.cluster.purge.SurrogateIndex;
import io.opencdn.edge.config.ClusterFillConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.fill.Filler;
import io.opencdn.edge.fill.FillsInProgress;
import io.opencdn.edge.metrics.LoadMeter;
import io.opencdn.edge.tls.TicketKeyStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Everything that makes one edge part of the cluster, wired from the {@link EdgeConfig}: the
 * registry heartbeat with load and drain state ({@link EdgeRegistry}), the cache tier as seen by
 * the cluster ({@link ClusterCache}), the cluster-wide fill ({@link ClusterFiller} over the {@link
 * ClusterDirectory} and the {@link PeerClient}), invalidations with receipts ({@link
 * Invalidations}), the latency prober ({@code latency.enabled}), the TLS ticket keys shared with
 * the other edges ({@link #ticketKeys()}) and the admin and peer endpoints.
 *
 * <p>Every record that steers traffic or content is signed with a key derived from the cluster
 * secret ({@link RecordMac}) and checked where it is read; what each reader ignored is counted in
 * {@link #recordChecks} (and in {@code /_cdn/cluster} and {@code
 * cdn_cluster_records_rejected_total}).
 *
 * <p>It plugs into the edge through what the lower stages define: {@link #cache()} decorates the
 * tier ({@link ResponseCache}) and {@link #filler()} is the {@link Filler} of the fill stage, built
 * from the HTTP stage's {@link FillsInProgress}; {@link #routes()} are the admin endpoints it
 * serves. Use: construct before the HTTP stage, build the stage with {@link #cache()}, {@link
 * #filler()} and {@link #routes()}, then {@link #start} once the listener is bound; {@link #stop}
 * before closing the listener.
 */
public final class EdgeCluster {

  /** How long invalidation records and receipts are kept. */
  public static final long INVALIDATION_RETENTION_MILLIS = TimeUnit.HOURS.toMillis(24);

  private final Vertx vertx;
  private final EdgeConfig config;
  private final HazelcastInstance hz;
  private final Clock clock;
  private final PurgeLog purgeLog = new PurgeLog(1024);
  private final ClusterDirectory directory;
  private final ClusterCache cache;
  private final FillsInProgress fills;
  private final PeerClient peers;
  private final PeerToken token;
  private final ClusterFiller filler;
  private final OriginHealth originHealth;
  private final Invalidations invalidations;
  private final RecordMac mac;
  private final java.util.Map<String, RecordCheck> checks = new java.util.LinkedHashMap<>();
  private final LatencyProber prober;
  private volatile EdgeRegistry registry;

  /**
   * @param tier the edge's cache tier, decorated by {@link #cache()}
   * @param origin the origin filler the cluster filler falls back to
   * @param fills the HTTP stage's fills in progress (peers join them; leases are freed when they
   *     end)
   */
  public EdgeCluster(
      Vertx vertx,
      EdgeConfig config,
      HazelcastInstance hz,
      Clock clock,
      ResponseCache tier,
      Filler origin,
      FillsInProgress fills) {
    this.vertx = vertx;
    this.config = config;
    this.hz = hz;
    this.clock = clock;
    ClusterFillConfig fill = config.clusterFill();
    this.fills = fills;
    this.mac = RecordMac.fromSecret(config.cluster().secret());
    for (String map :
        java.util.List.of(
            ClusterMaps.EDGES,
            ClusterMaps.PURGES,
            ClusterMaps.ORIGIN_HEALTH,
            ClusterMaps.LATENCY_TARGETS)) {
      checks.put(map, new RecordCheck(mac));
    }
    this.directory =
        new ClusterDirectory(
            vertx,
            hz,
            mac,
            config.id(),
            config.region(),
            advertisedHost(),
            clock,
            fill.leaseMaxAgeMillis());
    this.token = PeerToken.fromSecret(config.cluster().secret());
    this.peers = new PeerClient(vertx, token, clock, fill.peerTimeoutMillis());
    this.originHealth =
        new OriginHealth(
            vertx,
            hz,
            config.id(),
            clock,
            OriginHealth.DEFAULT_THRESHOLD,
            OriginHealth.DEFAULT_HOLD_MILLIS,
            checks.get(ClusterMaps.ORIGIN_HEALTH));
    this.filler =
        new ClusterFiller(
            io.opencdn.edge.fill.Failover.filler(originHealth.watch(origin)),
            directory,
            peers,
            fill.scope(),
            purgeLog,
            fills,
            clock,
            fill.leaseAttempts(),
            fill.peerTimeoutMillis(),
            fill.leaseMaxAgeMillis());
    this.cache = new ClusterCache(tier, new SurrogateIndex(1_000_000), directory, filler);
    this.invalidations =
        new Invalidations(
            vertx,
            hz,
            config.id(),
            clock,
            this::purgeLocally,
            INVALIDATION_RETENTION_MILLIS,
            checks.get(ClusterMaps.PURGES),
            checks.get(ClusterMaps.EDGES));
    this.prober =
        config.latency().enabled()
            ? new LatencyProber(
                vertx,
                hz,
                config.id(),
                config.latency(),
                new TcpConnectConnector(),
                clock,
                checks.get(ClusterMaps.LATENCY_TARGETS))
            : null;
  }

  /** The token edges present to each other (peer fetches, live HLS relays). */
  public PeerToken peerToken() {
    return token;
  }

  /** The cache tier to build the HTTP stage with. */
  public ResponseCache cache() {
    return cache;
  }

  /** The filler to end the HTTP stage's filler chain with (it wraps the origin). */
  public Filler filler() {
    return filler;
  }

  /**
   * The endpoints this edge serves for the cluster, in the order they are matched: the peer
   * endpoint (the cluster's peer token, not the admin token), drain/undrain, invalidations and
   * {@code /_cdn/cluster}; health reports {@link #state()}.
   */
  public List<AdminRoute> routes() {
    ClusterEndpoints endpoints =
        new ClusterEndpoints(
            config.id(),
            new ClusterEndpoints.Cluster() {
              @Override
              public Future<Void> state(EdgeState s) {
                return EdgeCluster.this.state(s);
              }

              @Override
              public Future<JsonObject> invalidate(
                  String host, List<String> paths, List<String> surrogateKeys) {
                return invalidations.submit(host, paths, surrogateKeys);
              }

              @Override
              public Future<JsonObject> invalidation(String id) {
                return invalidations.status(id);
              }

              @Override
              public JsonObject stats() {
                return EdgeCluster.this.stats();
              }
            });
    return List.of(
        new AdminRoute(
            "/_cdn/peer/", false, new PeerEndpoint(config.id(), cache, token, clock, fills)),
        new AdminRoute("/_cdn/drain", true, req -> endpoints.drain(req, EdgeState.DRAINING)),
        new AdminRoute("/_cdn/undrain", true, req -> endpoints.drain(req, EdgeState.ACTIVE)),
        new AdminRoute(ClusterEndpoints.INVALIDATIONS, true, endpoints::invalidations),
        new AdminRoute("/_cdn/cluster", true, endpoints::cluster));
  }

  /**
   * Joins: listeners, then the registry entry (with the bound HTTP port), then the latency prober.
   *
   * @param requests monotonic count of requests served (the registry's load figure)
   */
  public Future<Void> start(int httpPort, LongSupplier requests, LoadMeter load) {
    EdgeRecord template =
        EdgeRegistry.template(
            config, httpPort, hz.getLocalEndpoint().getUuid().toString(), clock.millis());
    directory.address(advertisedHost(), httpPort);
    invalidations.start();
    Future<Void> health = originHealth.start();
    registry =
        new EdgeRegistry(
            vertx,
            hz,
            mac,
            template,
            requests,
            load::bytesWritten,
            load::openConnections,
            clock,
            EdgeRegistry.HEARTBEAT_MILLIS);
    return health
        .compose(v -> registry.start())
        .onSuccess(
            v -> {
              if (prober != null) {
                prober.start();
              }
            });
  }

  /**
   * Leaves: the prober stops, the registry entry goes first (DNS stops sending clients), then the
   * listeners.
   */
  public Future<Void> stop() {
    if (prober != null) {
      prober.stop();
    }
    Future<Void> leave =
        registry == null
            ? Future.succeededFuture()
            : registry.stop().recover(t -> Future.succeededFuture());
    return leave
        .compose(
            v -> {
              invalidations.stop();
              originHealth.stop();
              return peers.close();
            })
        .recover(t -> Future.succeededFuture());
  }

  /** The registry state this edge publishes. */
  public EdgeState state() {
    EdgeRegistry r = registry;
    return r == null ? EdgeState.ACTIVE : r.state();
  }

  /** Sets DRAINING or ACTIVE. */
  public Future<Void> state(EdgeState s) {
    EdgeRegistry r = registry;
    return r == null ? Future.failedFuture("not registered yet") : r.state(s);
  }

  /**
   * A store of TLS session-ticket keys shared by the cluster's edges (sealed with a key derived
   * from the cluster secret), so a ticket issued by one edge resumes on another.
   */
  public TicketKeyStore ticketKeys() {
    return new ClusterTicketKeys(vertx, hz, config.cluster().secret());
  }

  /** The latency prober ({@code latency.enabled}), or null. */
  public LatencyProber prober() {
    return prober;
  }

  /** The registry (null before {@link #start}). */
  public EdgeRegistry registry() {
    return registry;
  }

  /** Invalidations (submit and status). */
  public Invalidations invalidations() {
    return invalidations;
  }

  /** The purges this edge applied, newest last (the status page lists the recent ones). */
  public PurgeLog purgeLog() {
    return purgeLog;
  }

  /** The cache directory. */
  public ClusterDirectory directory() {
    return directory;
  }

  /** Shared origin health (which origins the cluster considers failing). */
  public OriginHealth originHealth() {
    return originHealth;
  }

  /**
   * The checks of what this edge reads from the cluster, by map ({@code edges}, {@code purges} with
   * the {@code invalidations} and {@code purge-acks} maps, {@code origin-health}, {@code
   * latency-targets}); the cache directory counts its own ({@link ClusterDirectory#forgedRecords}).
   */
  public java.util.Map<String, RecordCheck> recordChecks() {
    return java.util.Collections.unmodifiableMap(checks);
  }

  /** The body of {@code GET /_cdn/cluster}. */
  public JsonObject stats() {
    EdgeRegistry r = registry;
    EdgeLoad l = r == null ? null : r.load();
    JsonObject json =
        new JsonObject()
            .put("id", config.id())
            .put("region", config.region())
            .put("state", state().name())
            .put("members", hz.getCluster().getMembers().size())
            .put("peerScope", config.clusterFill().scope().name().toLowerCase())
            .put("peerFills", filler.peerFills())
            .put("leaseWaits", filler.leaseWaits())
            .put("leasedOriginFills", filler.leasedOriginFills())
            .put("fillTickets", filler.pendingTickets())
            .put("directoryOps", directory.opsSent())
            .put("directoryMessages", directory.messagesSent())
            .put("purgeGeneration", purgeLog.current());
    JsonObject rejected = new JsonObject();
    checks.forEach(
        (map, c) ->
            rejected.put(
                map, new JsonObject().put("forged", c.forgedCount()).put("stale", c.staleCount())));
    rejected.put(
        ClusterMaps.CACHE_DIRECTORY,
        new JsonObject().put("forged", directory.forgedRecords()).put("stale", 0));
    json.put("rejectedRecords", rejected);
    if (l != null) {
      json.put(
          "load",
          new JsonObject()
              .put("requestsPerSecond", l.requestsPerSecond())
              .put("bytesPerSecond", l.bytesPerSecond())
              .put("openConnections", l.openConnections())
              .put("capacity", l.capacity())
              .put("utilisation", l.utilisation()));
    }
    return json;
  }

  private Future<Long> purgeLocally(PurgeRequest request) {
    purgeLog.record(request);
    return cache.purge(request);
  }

  private String advertisedHost() {
    return config.advertise().hostOr(config.listen().host());
  }
}
