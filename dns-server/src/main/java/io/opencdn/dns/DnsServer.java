package io.opencdn.dns;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.dns.acme.ClusterChallenges;
import io.opencdn.dns.admin.Operations;
import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.answer.KeptAnswer;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.answer.ResponseRateLimiter;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.ZoneSource;
import io.opencdn.dns.dnssec.Dnssec;
import io.opencdn.dns.dnssec.Signatures;
import io.opencdn.dns.edges.EdgeDirectory;
import io.opencdn.dns.explain.DecisionLog;
import io.opencdn.dns.explain.Explainer;
import io.opencdn.dns.explain.LiveExplainer;
import io.opencdn.dns.geo.CoverageFile;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.latency.HazelcastLatency;
import io.opencdn.dns.latency.ProbeTargets;
import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.net.Listeners;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.zone.ZoneSet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Function;

/**
 * The authoritative geo-DNS server, wired from its config: UDP and TCP listeners on one port
 * ({@link Listeners}) feeding a {@link QueryHandler}; clients located by a {@link LocationChain}
 * (coverage zones, City database, country centroid, default) behind a {@link LocationCache}; edges
 * chosen by a {@link Router} (one policy chain per geo-routed name) over the snapshots of an {@link
 * EdgeDirectory} (the cluster's edges and the config's static edges, health-checked), with latency
 * from the cluster ({@link HazelcastLatency}); the clients of geo-routed queries published as probe
 * targets for the edges ({@link ProbeTargets}); reload and the admin listener (metrics, live route
 * explanations) in {@link Operations}; with a {@code dnssec} section, online signing of DO answers
 * ({@link Dnssec}). Nothing but wiring lives here.
 *
 * <pre>{@code
 * DnsServer server = new DnsServer(vertx, config, "dns.yaml", hazelcast, Clock.systemUTC());
 * int port = server.start().await();
 * }</pre>
 *
 * The constructors load the zones and the GeoIP database, so configuration errors surface as {@link
 * io.opencdn.common.config.ConfigException} before anything binds.
 */
public final class DnsServer {

  /** How often the latency map is re-read. */
  public static final long LATENCY_REFRESH_MILLIS = 1000;

  private final Vertx vertx;
  private final Endpoint listen;
  private final GeoDatabase geo;
  private final AsyncLineWriter decisionWriter;
  private final ServerRouting routing;
  private final Operations ops;
  private final QueryHandler handler;
  private final Listeners listeners;
  private final Dnssec dnssec;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DnsServer.class);
  private final DistributionsFollowing distributions;
  private long coverageTimer = -1;

  /**
   * A server for {@code config}.
   *
   * @param configLocation where the config was read from; zone and database files are relative to
   *     it
   * @param hz Hazelcast member to read the edge registry and latency map from (records are checked
   *     with the secret of {@code config.cluster()}, which is then required), or null (then only
   *     the static {@code edges} of the config are known; none: geo-routed names answer SERVFAIL)
   * @param clock time of every decision the server makes by time: heartbeat and measurement ages,
   *     rate-limit windows, probe-target rewrites
   */
  public DnsServer(
      Vertx vertx, DnsConfig config, String configLocation, HazelcastInstance hz, Clock clock) {
    this(vertx, config, configLocation, hz == null ? null : Future.succeededFuture(hz), clock);
  }

  /**
   * A server that answers before its cluster member has joined: static zones (and the config's
   * static edges) at once, the cluster's edges, latency and probe targets once {@code member}
   * completes. Until then {@link #ready()} is false and the admin listener's {@code /healthz}
   * answers 503.
   *
   * @param member completes with the Hazelcast member once it has joined the cluster
   */
  public static DnsServer joining(
      Vertx vertx,
      DnsConfig config,
      String configLocation,
      Future<HazelcastInstance> member,
      Clock clock) {
    return new DnsServer(vertx, config, configLocation, member, clock);
  }

  private DnsServer(
      Vertx vertx,
      DnsConfig config,
      String configLocation,
      Future<HazelcastInstance> hz,
      Clock clock) {
    this.vertx = vertx;
    this.listen = config.listen();
    String city = config.geo().cityDatabase();
    this.geo =
        city.isEmpty()
            ? GeoDatabase.embedded()
            : GeoDatabase.open(ConfigLocation.resolve(configLocation, city));
    this.routing = ServerRouting.of(vertx, config, configLocation, geo, hz, clock);
    EdgeSnapshotSource edges =
        routing.directory() != null ? routing.directory() : new SnapshotHolder();
    // the query path locates through a per-/24 cache, whose slots keep the fast path's decisions;
    // explanations use the chain itself
    LocationCache<KeptAnswer> located = new LocationCache<>(routing.locator());
    ClusterChallenges challenges =
        hz == null
            ? null
            : new ClusterChallenges(vertx, hz, RecordCheck.of(config.cluster().secret()), clock);
    Function<DnsConfig, AnswerStage> build =
        cfg ->
            AnswerStage.of(
                ZoneSet.load(cfg.zones(), configLocation),
                cfg.routing(),
                located,
                edges,
                cfg == config ? routing.router() : routing.router().withRoutes(cfg.routing()),
                challenges == null ? name -> java.util.List.of() : challenges::txt);
    ResponseRateLimiter rrl =
        config.rrl().enabled() ? new ResponseRateLimiter(config.rrl(), clock) : null;
    this.decisionWriter = decisionWriter(config.decisionLog());
    DecisionLog decisions =
        decisionWriter == null
            ? null
            : new DecisionLog(
                decisionWriter,
                config.decisionLog().sampleRate(),
                new Explainer(config.routing(), routing.locator(), routing.router(), clock),
                edges::current,
                clock);
    this.handler =
        new QueryHandler(
            build.apply(config),
            rrl,
            new DnsMetrics(),
            routing.targets() == null ? null : routing.targets()::record,
            decisions);
    this.ops =
        new Operations(
            vertx,
            config,
            configLocation,
            handler,
            build,
            new LiveExplainer(routing.locator(), edges, handler::stage, clock),
            clock);
    this.dnssec = dnssec(vertx, config, configLocation, clock, handler);
    this.listeners = new Listeners(vertx, handler, config.threads(), config.tcp());
    this.distributions = new DistributionsFollowing(vertx, config, ops, clock);
    ops.metrics().udpDroppedWrites(listeners::udpDroppedWrites);
    if (routing.edges() != null) {
      ops.metrics().rejectedRecords(ClusterMaps.EDGES, routing.edges().check());
    }
    if (routing.latency() != null) {
      ops.metrics().rejectedRecords(ClusterMaps.LATENCY, routing.latency().check());
    }
    ops.readiness(() -> ready() ? null : "joining the cluster");
    if (decisionWriter != null) {
      io.micrometer.core.instrument.FunctionCounter.builder(
              "dns.decision.log.lines", decisionWriter, AsyncLineWriter::written)
          .description("decision log lines written")
          .register(ops.metrics().registry());
      io.micrometer.core.instrument.FunctionCounter.builder(
              "dns.decision.log.dropped", decisionWriter, AsyncLineWriter::dropped)
          .description("decision log lines dropped: the writer's queue was full or a write failed")
          .register(ops.metrics().registry());
    }
  }

  /** The decision log's writer, or null when it is off. */
  private static AsyncLineWriter decisionWriter(io.opencdn.dns.config.DecisionLogConfig c) {
    if (!c.enabled() || c.sampleRate() == 0) {
      return null;
    }
    try {
      return AsyncLineWriter.open(c.path(), c.queueBytes(), "decision-log");
    } catch (java.io.IOException | RuntimeException e) {
      throw io.opencdn.common.config.ConfigException.invalid(
          "decisionLog.path",
          "a file that can be appended to, or - (standard output)",
          c.path() + " (" + e.getMessage() + ")");
    }
  }

  /**
   * With a {@code dnssec} section: the keys read (or made) now and the handler signing with them.
   */
  private static Dnssec dnssec(
      Vertx vertx, DnsConfig config, String configLocation, Clock clock, QueryHandler handler) {
    if (config.dnssec() == null) {
      return null;
    }
    Dnssec d =
        new Dnssec(
            vertx,
            config.dnssec(),
            configLocation,
            config.zones().stream().map(ZoneSource::name).toList(),
            clock);
    handler.signer(d.signer());
    handler.metrics().dnssecSignatures(d.signer().signatures(), Signatures::made, Signatures::hits);
    return d;
  }

  /**
   * Starts the edge directory (its first read of the config's static edges and the cluster's
   * registry, and first health probes, each probe bounded by twice the health timeout), then binds
   * UDP, then TCP on the same port: the first query answered already sees the edges known at start.
   * With port 0 the UDP port is picked by the system; if TCP cannot take the same port, both are
   * retried. A joining server ({@link #joining}) has no cluster edges until its member has joined.
   *
   * @return the bound port
   */
  public Future<Integer> start() {
    if (routing.hz() != null) {
      routing.hz().onSuccess(distributions::follow);
    }
    EdgeDirectory directory = routing.directory();
    // the edges before the listeners: opened first, the geo-routed names of a server with static
    // edges answered SERVFAIL to the queries of its first instants (often the first of a load or
    // of a resolver, which may keep the failure)
    Future<Void> edges = directory == null ? Future.succeededFuture() : directory.start();
    return edges
        .compose(
            v ->
                listeners
                    .listen(listen.host(), listen.port())
                    .onFailure(
                        e -> {
                          if (directory != null) {
                            directory.stop();
                          }
                        }))
        .compose(port -> ops.start().map(port))
        .onSuccess(port -> distributions.publishAdmin())
        .compose(
            port ->
                routing.latency() == null
                    ? Future.succeededFuture(port)
                    : routing.latency().start().map(port))
        .onSuccess(
            port -> {
              if (dnssec != null) {
                dnssec.start();
              }
              if (routing.targets() != null) {
                routing.targets().start();
              }
              CoverageFile coverage = routing.coverage();
              if (coverage != null) {
                coverageTimer =
                    vertx.setPeriodic(
                        routing.coverageReloadSeconds() * 1000L,
                        id -> vertx.executeBlocking(coverage::reloadIfChanged, false));
              }
            });
  }

  /**
   * The distributions version this server answers for ({@code local} before any, or without a
   * cluster).
   */
  public String distributionsVersion() {
    return distributions.version();
  }

  /** Stops listening and stops the edge directory; the Vert.x instance and Hazelcast stay up. */
  public Future<Void> stop() {
    distributions.stop();
    vertx.cancelTimer(coverageTimer);
    if (dnssec != null) {
      dnssec.stop();
    }
    if (routing.targets() != null) {
      routing.targets().stop();
    }
    if (routing.latency() != null) {
      routing.latency().stop();
    }
    Future<Void> dir =
        routing.directory() == null ? Future.succeededFuture() : routing.directory().stop();
    Future<Void> log = AsyncLineWriter.close(vertx, decisionWriter);
    return Future.join(dir, listeners.close(), ops.stop(), log)
        .transform(
            x -> {
              try {
                geo.close();
              } catch (IOException ignored) {
                // nothing useful to do while shutting down
              }
              return Future.<Void>succeededFuture();
            });
  }

  /**
   * True once the server's cluster member has joined (always without a cluster). Before, static
   * zones are answered and geo-routed names only from the config's static edges.
   */
  public boolean ready() {
    return routing.hz() == null || routing.hz().succeeded();
  }

  /** The router (policy chains per geo-routed name), e.g. for explanations. */
  public Router router() {
    return routing.router();
  }

  /** The location chain (explanations use it without the cache). */
  public LocationChain locator() {
    return routing.locator();
  }

  /** The current edge snapshot source, or null without cluster and static edges. */
  public EdgeDirectory directory() {
    return routing.directory();
  }

  /**
   * Reloads the config file and the zone files (SIGHUP, {@code POST /reload}): built off the event
   * loop, swapped atomically; a bad file fails the future and the old state keeps serving.
   */
  public Future<String> reload() {
    return ops.reload();
  }

  /** Metrics, admin listener and reload ({@code adminPort()}, {@code metrics()}, ...). */
  public Operations operations() {
    return ops;
  }

  /** The sockets (how many UDP sockets and TCP servers serve the port). */
  public Listeners listeners() {
    return listeners;
  }

  /**
   * The probe-target publisher (map {@value ClusterMaps#LATENCY_TARGETS}), or null without
   * Hazelcast.
   */
  public ProbeTargets probeTargets() {
    return routing.targets();
  }

  /** DNSSEC keys and signer, or null when the config has no {@code dnssec} section. */
  public Dnssec dnssec() {
    return dnssec;
  }

  /** The query path, for statistics. */
  public QueryHandler handler() {
    return handler;
  }

  /** Where the server was configured to listen (the port may be 0). */
  public Endpoint listen() {
    return listen;
  }
}
