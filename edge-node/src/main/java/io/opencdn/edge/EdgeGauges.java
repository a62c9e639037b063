package io.opencdn.edge;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.edge.cache.CacheTiers;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cluster.EdgeCluster;
import io.opencdn.edge.http.ConnectionGuard;
import io.opencdn.live.LiveServer;

/**
 * The gauges and counters an edge exports beside the request metrics of {@code EdgeMetrics}: cache
 * tiers, access log, cluster record checks and membership, live streaming, client connections. Each
 * reads its component when Prometheus scrapes; nothing is counted twice.
 */
final class EdgeGauges {

  private static final String REJECTED =
      "cluster records ignored: tag not verified (forged) or stale/replayed";

  private EdgeGauges() {}

  /** Registers the gauges of the components an edge runs (null ones: not used here). */
  static void register(
      MeterRegistry registry,
      AsyncLineWriter accessWriter,
      CacheTiers tiers,
      EdgeCluster cluster,
      HazelcastInstance hz,
      LiveServer live,
      ConnectionGuard guard) {
    if (accessWriter != null) {
      FunctionCounter.builder("cdn_access_log_lines", accessWriter, AsyncLineWriter::written)
          .description("access log lines written")
          .register(registry);
      FunctionCounter.builder("cdn_access_log_dropped", accessWriter, AsyncLineWriter::dropped)
          .description(
              "access log lines dropped: the writer's queue was full (overload, slow output) or a write failed")
          .register(registry);
    }
    ResponseCache tier = tiers.cache();
    Gauge.builder("cdn_cache_entries", tier, r -> r.stats().entries()).register(registry);
    Gauge.builder("cdn_cache_bytes", tier, r -> r.stats().bytes()).register(registry);
    FunctionCounter.builder("cdn_cache_evictions", tier, r -> r.stats().evictions())
        .register(registry);
    if (tiers.largeObjects() != null) {
      FunctionCounter.builder(
              "cdn_disk_writes_skipped", tiers.largeObjects(), d -> d.skippedWrites())
          .description("responses not written to the disk tier: too many bytes waited for the disk")
          .register(registry);
      FunctionCounter.builder(
              "cdn_disk_files_corrupted", tiers.largeObjects(), d -> d.corruptedFiles())
          .description("disk tier files dropped: unreadable, truncated or failing their checksum")
          .register(registry);
    }
    if (cluster != null) {
      cluster
          .recordChecks()
          .forEach(
              (map, check) -> {
                FunctionCounter.builder("cdn_cluster_records_rejected", check, k -> k.forgedCount())
                    .tag("map", map)
                    .tag("reason", "forged")
                    .description(REJECTED)
                    .register(registry);
                FunctionCounter.builder("cdn_cluster_records_rejected", check, k -> k.staleCount())
                    .tag("map", map)
                    .tag("reason", "stale")
                    .description(REJECTED)
                    .register(registry);
              });
      FunctionCounter.builder(
              "cdn_cluster_records_rejected", cluster.directory(), d -> d.forgedRecords())
          .tag("map", ClusterMaps.CACHE_DIRECTORY)
          .tag("reason", "forged")
          .description(REJECTED)
          .register(registry);
      Gauge.builder("cdn_origins_failing", cluster.originHealth(), h -> h.failingCount())
          .description("origins the cluster reports failing now (shared origin health)")
          .register(registry);
      Gauge.builder("cdn_cluster_members", hz, h -> h.getCluster().getMembers().size())
          .description(
              "members of the Hazelcast cluster as this edge sees them (edges and DNS servers)")
          .register(registry);
    }
    if (live != null) {
      Gauge.builder(
              "cdn_live_rtmp_connections",
              live,
              l -> l.stats().getJsonObject("connections").getInteger("open"))
          .description("RTMP connections open (publishers, players, relays)")
          .register(registry);
      Gauge.builder("cdn_live_streams", live, l -> l.stats().getJsonArray("streams").size())
          .description("live streams at this edge (published here or relayed)")
          .register(registry);
    }
    Gauge.builder("cdn_client_connections", guard, g -> g.openConnections())
        .description("client connections open")
        .register(registry);
    FunctionCounter.builder("cdn_client_connections_refused", guard, g -> g.refusedConnections())
        .description(
            "client connections closed at once: maxConnections or maxConnectionsPerAddress reached")
        .register(registry);
    FunctionCounter.builder("cdn_client_connections_timed_out", guard, g -> g.timedOutConnections())
        .description("client connections closed for want of a complete request head in time")
        .register(registry);
  }
}
