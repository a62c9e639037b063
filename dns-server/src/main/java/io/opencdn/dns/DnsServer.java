package io.opencdn.dns;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.admin.Operations;
import io.opencdn.dns.answer.Answerer;
import io.opencdn.dns.cluster.EdgeDirectory;
import io.opencdn.dns.cluster.EdgeProbe;
import io.opencdn.dns.cluster.HazelcastLatency;
import io.opencdn.dns.cluster.MergedEdgeSource;
import io.opencdn.dns.geo.CountryCentroids;
import io.opencdn.dns.geo.CoverageFile;
import io.opencdn.dns.geo.CoverageZones;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.latency.ProbeTargets;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.PolicySpec;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.zone.ZoneSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import io.opencdn.dns.cluster.HazelcastEdges;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.GeoLocator;
import io.opencdn.dns.dnssec.Dnssec;
import io.opencdn.dns.dnssec.Signatures;
import io.opencdn.dns.net.Listeners;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.SnapshotHolder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;

/**
 * The authoritative geo-DNS server: UDP and TCP listeners on one port feeding a
 * {@link QueryHandler}, and, with a Hazelcast instance or static {@code edges} in the config, an
 * {@link EdgeDirectory} that keeps the routing snapshot current. Clients are located by a
 * {@link LocationChain} (coverage zones, City database, country centroid, default) and edges are
 * chosen by a {@link Router} (one policy chain per geo-routed name, latency from the Hazelcast map
 * {@value io.opencdn.dns.cluster.HazelcastLatency#MAP}). With Hazelcast, the clients of geo-routed
 * queries are published as probe targets for the edges ({@link ProbeTargets}, map
 * {@value ProbeTargets#MAP}).
 *
 * <pre>{@code
 * DnsServer server = new DnsServer(vertx, config, "dns.yaml", hazelcast, Clock.systemUTC());
 * int port = server.start().await();
 * }</pre>
 *
 * The constructors load the zones and the GeoIP database, so configuration errors surface as
 * {@link io.opencdn.common.config.ConfigException} before anything binds.
 */
public final class DnsServer {

  /** How often the latency map is re-read. */
  public static final long LATENCY_REFRESH_MILLIS = 1000;

  private final Vertx vertx;
  private final Endpoint listen;
  private final QueryHandler handler;
  private final Operations ops;
  private final EdgeDirectory directory;
  private final Closeable geo;
  private final Listeners listeners;
  private final Routing routing;
  private final ProbeTargets targets;
  private final Dnssec dnssec;
  private long coverageTimer = -1;

  /**
   * The routing side of a server: location chain, router, edge directory (null without cluster
   * and static edges), latency reader (null without cluster), reloadable coverage file (or null).
   */
  private record Routing(LocationChain locator, Router router, EdgeDirectory directory, HazelcastEdges edges,
      HazelcastLatency latency, CoverageFile coverage, int coverageReloadSeconds, Future<HazelcastInstance> hz,
      Clock clock) {}

  /**
   * A server for {@code config}.
   *
   * @param configLocation where the config was read from; zone and database files are relative to it
   * @param hz Hazelcast member to read the edge registry and latency map from (records are checked
   *     with the secret of {@code config.cluster()}, which is then required), or null (then only
   *     the static {@code edges} of the config are known; none: geo-routed names answer SERVFAIL)
   * @param clock time source for heartbeat and measurement ages
   */
  public DnsServer(Vertx vertx, DnsConfig config, String configLocation, HazelcastInstance hz, Clock clock) {
    this(vertx, config, configLocation, openGeo(config, configLocation), hz == null ? null : Future.succeededFuture(hz), clock);
  }

  /**
   * A server that answers before its cluster member has joined: static zones (and the config's
   * static edges) at once, the cluster's edges, latency and probe targets once {@code member}
   * completes. Until then {@link #ready()} is false and the admin listener's {@code /healthz}
   * answers 503.
   *
   * @param member completes with the Hazelcast member once it has joined the cluster
   */
  public static DnsServer joining(Vertx vertx, DnsConfig config, String configLocation, Future<HazelcastInstance> member, Clock clock) {
    return new DnsServer(vertx, config, configLocation, openGeo(config, configLocation), member, clock);
  }

  private DnsServer(Vertx vertx, DnsConfig config, String configLocation, GeoDatabase geo, Future<HazelcastInstance> hz, Clock clock) {
    this(vertx, config, configLocation, geo, routing(vertx, config, configLocation, geo, hz, clock));
  }

  private DnsServer(Vertx vertx, DnsConfig config, String configLocation, Closeable geo, Routing routing) {
    this.vertx = vertx;
    this.listen = config.listen();
    this.routing = routing;
    this.directory = routing.directory();
    this.geo = geo;
    EdgeSnapshotSource edges = directory != null ? directory : new SnapshotHolder();
    // the query path locates through a per-/24 cache; explanations use the chain itself
    GeoLocator located = new LocationCache(routing.locator());
    this.ops = new Operations(vertx, config, configLocation, Clock.systemUTC(), cfg -> new Answerer(
        ZoneSet.load(cfg.zones(), configLocation), cfg.routing(), located, edges,
        cfg == config ? routing.router() : routing.router().withChains(policies(cfg))));
    this.handler = ops.handler();
    this.dnssec = dnssec(vertx, config, configLocation, routing.clock() != null ? routing.clock() : Clock.systemUTC(), handler);
    this.listeners = new Listeners(vertx, handler, config.threads(), config.tcp());
    this.targets = routing.hz() == null ? null : new ProbeTargets(vertx, routing.hz(), routing.clock(), ProbeTargets.Limits.DEFAULTS,
        io.opencdn.common.cluster.RecordMac.fromSecret(config.cluster().secret()), config.probeTargets().allowPrivate());
    if (targets != null) {
      handler.onRouted(targets::record);
    }
    if (routing.edges() != null) {
      ops.metrics().rejectedRecords(io.opencdn.common.cluster.ClusterMaps.EDGES, routing.edges().check());
    }
    if (routing.latency() != null) {
      ops.metrics().rejectedRecords(HazelcastLatency.MAP, routing.latency().check());
    }
    ops.readiness(() -> ready() ? null : "joining the cluster");
  }

  private DnsServer(Vertx vertx, DnsConfig config, String configLocation, GeoLocator geo, EdgeSnapshotSource edges) {
    this.vertx = vertx;
    this.listen = config.listen();
    this.routing = new Routing(null, router(config, LatencySource.NONE, Clock.systemUTC()), null, null, null, null, 0, null,
        null);
    this.targets = null;
    this.directory = null;
    this.geo = null;
    this.ops = new Operations(vertx, config, configLocation, Clock.systemUTC(), cfg -> new Answerer(
        ZoneSet.load(cfg.zones(), configLocation), cfg.routing(), geo, edges, routing.router()));
    this.handler = ops.handler();
    this.dnssec = dnssec(vertx, config, configLocation, Clock.systemUTC(), handler);
    this.listeners = new Listeners(vertx, handler, config.threads(), config.tcp());
  }

  /** With a {@code dnssec} section: the keys read (or made) now and the handler signing with them. */
  private static Dnssec dnssec(Vertx vertx, DnsConfig config, String configLocation, Clock clock, QueryHandler handler) {
    if (config.dnssec() == null) {
      return null;
    }
    Dnssec d = new Dnssec(vertx, config.dnssec(), configLocation, config.zones().stream().map(DnsConfig.ZoneSource::name).toList(),
        clock);
    handler.signer(d.signer());
    handler.metrics().dnssecSignatures(d.signer().signatures(), Signatures::made, Signatures::hits);
    return d;
  }

  /**
   * A server whose edges come from {@code edges} (tests, static setups) and whose locations come
   * from {@code geo}; no Hazelcast, no health checks.
   */
  public static DnsServer withEdges(Vertx vertx, DnsConfig config, String configLocation, GeoLocator geo, EdgeSnapshotSource edges) {
    return new DnsServer(vertx, config, configLocation, geo, edges);
  }

  private static GeoDatabase openGeo(DnsConfig config, String configLocation) {
    String file = config.geo().cityDatabase();
    return file.isEmpty() ? GeoDatabase.embedded() : GeoDatabase.open(ConfigLocation.resolve(configLocation, file));
  }

  private static Routing routing(Vertx vertx, DnsConfig config, String configLocation, GeoDatabase geo, Future<HazelcastInstance> hz,
      Clock clock) {
    CoverageFile coverage = config.geo().coverage().isEmpty() ? null
        : new CoverageFile(ConfigLocation.resolve(configLocation, config.geo().coverage()));
    LocationChain chain = new LocationChain(coverage != null ? coverage : CoverageZones.EMPTY, geo::lookup, CountryCentroids.embedded(),
        config.geo().defaultLocation() == null ? null : config.geo().defaultLocation().toLocation());
    if (hz != null && config.cluster() == null) {
      throw new IllegalArgumentException("a Hazelcast member needs the config's cluster section (its secret checks the records)");
    }
    HazelcastEdges edges = hz == null ? null : new HazelcastEdges(vertx, hz, RecordCheck.of(config.cluster().secret()));
    EdgeDirectory directory = hz == null && config.edges().isEmpty() ? null
        : new EdgeDirectory(vertx, new MergedEdgeSource(edges, config.edges(), clock),
            config.health(), new EdgeProbe(vertx, config.health().timeoutMillis(), config.edges()), clock);
    HazelcastLatency latency = hz == null ? null
        : new HazelcastLatency(vertx, hz, LATENCY_REFRESH_MILLIS, RecordCheck.of(config.cluster().secret()), clock);
    Router router = router(config, latency != null ? latency : LatencySource.NONE, clock);
    return new Routing(chain, router, directory, edges, latency, coverage, config.geo().coverageReloadSeconds(), hz, clock);
  }

  /** The router of {@code config}: one policy chain per routing entry. */
  public static Router router(DnsConfig config, LatencySource latency, Clock clock) {
    return Router.of(policies(config), latency, clock);
  }

  private static Map<Name, List<PolicySpec>> policies(DnsConfig config) {
    Map<Name, List<PolicySpec>> specs = new HashMap<>();
    config.routing().forEach(r -> specs.put(r.fqdn(), r.policies()));
    return specs;
  }

  /**
   * Binds UDP, then TCP on the same port, then starts the edge directory. With port 0 the UDP
   * port is picked by the system; if TCP cannot take the same port, both are retried.
   *
   * @return the bound port
   */
  public Future<Integer> start() {
    return listeners.listen(listen.host(), listen.port())
        .compose(port -> ops.start().map(port))
        .compose(port -> directory == null ? Future.succeededFuture(port) : directory.start().map(port))
        .compose(port -> routing.latency() == null ? Future.succeededFuture(port) : routing.latency().start().map(port))
        .onSuccess(port -> {
          if (dnssec != null) {
            dnssec.start();
          }
          if (targets != null) {
            targets.start();
          }
          CoverageFile coverage = routing.coverage();
          if (coverage != null) {
            coverageTimer = vertx.setPeriodic(routing.coverageReloadSeconds() * 1000L,
                id -> vertx.executeBlocking(coverage::reloadIfChanged, false));
          }
        });
  }


  /** Stops listening and stops the edge directory; the Vert.x instance and Hazelcast stay up. */
  public Future<Void> stop() {
    vertx.cancelTimer(coverageTimer);
    if (dnssec != null) {
      dnssec.stop();
    }
    if (targets != null) {
      targets.stop();
    }
    if (routing.latency() != null) {
      routing.latency().stop();
    }
    Future<Void> dir = directory == null ? Future.succeededFuture() : directory.stop();
    return Future.join(dir, listeners.close(), ops.stop())
        .transform(x -> {
          if (geo != null) {
            try {
              geo.close();
            } catch (IOException ignored) {
              // nothing useful to do while shutting down
            }
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

  /** The location chain, or null for a server made by {@link #withEdges}. */
  public LocationChain locator() {
    return routing.locator();
  }

  /** The current edge snapshot source, or null without cluster and static edges. */
  public EdgeDirectory directory() {
    return directory;
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

  /** The probe-target publisher (map {@value ProbeTargets#MAP}), or null without Hazelcast. */
  public ProbeTargets probeTargets() {
    return targets;
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
