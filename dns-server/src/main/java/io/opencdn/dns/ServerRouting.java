package io.opencdn.dns;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.edges.EdgeDirectory;
import io.opencdn.dns.edges.EdgeProbe;
import io.opencdn.dns.edges.HazelcastEdges;
import io.opencdn.dns.edges.MergedEdgeSource;
import io.opencdn.dns.geo.CountryCentroids;
import io.opencdn.dns.geo.CoverageFile;
import io.opencdn.dns.geo.CoverageZones;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.latency.HazelcastLatency;
import io.opencdn.dns.latency.ProbeTargets;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.Router;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/**
 * The routing side of a server: location chain, router, edge directory (null without cluster and
 * static edges), the cluster's edges, latency and probe targets (null without cluster), reloadable
 * coverage file (or null), the cluster member (null without cluster).
 */
record ServerRouting(
    LocationChain locator,
    Router router,
    EdgeDirectory directory,
    HazelcastEdges edges,
    HazelcastLatency latency,
    ProbeTargets targets,
    CoverageFile coverage,
    int coverageReloadSeconds,
    Future<HazelcastInstance> hz) {

  /** The routing side for {@code config}: nothing joins or listens yet. */
  static ServerRouting of(
      Vertx vertx,
      DnsConfig config,
      String configLocation,
      GeoDatabase geo,
      Future<HazelcastInstance> hz,
      Clock clock) {
    CoverageFile coverage =
        config.geo().coverage().isEmpty()
            ? null
            : new CoverageFile(ConfigLocation.resolve(configLocation, config.geo().coverage()));
    LocationChain chain =
        new LocationChain(
            coverage != null ? coverage : CoverageZones.EMPTY,
            geo::lookup,
            CountryCentroids.embedded(),
            LocationChain.defaultLocation(config.geo().defaultLocation()));
    if (hz != null && config.cluster() == null) {
      throw new IllegalArgumentException(
          "a Hazelcast member needs the config's cluster section (its secret checks the records)");
    }
    HazelcastEdges edges =
        hz == null
            ? null
            : new HazelcastEdges(vertx, hz, RecordCheck.of(config.cluster().secret()));
    EdgeDirectory directory =
        hz == null && config.edges().isEmpty()
            ? null
            : new EdgeDirectory(
                vertx,
                new MergedEdgeSource(edges, config.edges(), clock),
                config.health(),
                new EdgeProbe(vertx, config.health().timeoutMillis(), config.edges()),
                clock);
    HazelcastLatency latency =
        hz == null
            ? null
            : new HazelcastLatency(
                vertx,
                hz,
                DnsServer.LATENCY_REFRESH_MILLIS,
                RecordCheck.of(config.cluster().secret()),
                clock);
    ProbeTargets targets =
        hz == null
            ? null
            : new ProbeTargets(
                vertx,
                hz,
                clock,
                ProbeTargets.Limits.DEFAULTS,
                RecordMac.fromSecret(config.cluster().secret()),
                config.probeTargets().allowPrivate());
    Router router =
        Router.of(config.routing(), latency != null ? latency : LatencySource.NONE, clock);
    return new ServerRouting(
        chain,
        router,
        directory,
        edges,
        latency,
        targets,
        coverage,
        config.geo().coverageReloadSeconds(),
        hz);
  }
}
