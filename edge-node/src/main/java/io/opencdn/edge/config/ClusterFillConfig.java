package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * How an edge fills through the cluster (YAML key {@code clusterFill}; used only with a {@code
 * cluster}).
 *
 * @param peerScope {@code region} (default: fill only from edges of the same region), {@code any}
 *     (same region first, then any edge) or {@code off} (origin only, no cluster-wide single
 *     flight: each edge fills for itself)
 * @param peerTimeoutMillis connect and idle timeout of a peer request, and the longest a fill waits
 *     for its claim in the cache directory before it goes to the origin (default 1000)
 * @param leaseMaxAgeMillis a fill lease expires after this even if its holder never frees it, and
 *     an edge sharing another edge's fill waits for it at most this long (default 30000)
 * @param leaseAttempts claims of one fill before it goes to the origin regardless (default 3)
 */
public record ClusterFillConfig(
    @JsonProperty("peerScope") String peerScope,
    @JsonProperty("peerTimeoutMillis") Integer peerTimeoutMillis,
    @JsonProperty("leaseMaxAgeMillis") Integer leaseMaxAgeMillis,
    @JsonProperty("leaseAttempts") Integer leaseAttempts) {

  public ClusterFillConfig {
    peerScope = peerScope == null ? "region" : peerScope;
    ConfigException.require(
        PeerScope.parse(peerScope) != null, "peerScope", "region, any or off", peerScope);
    peerTimeoutMillis = peerTimeoutMillis == null ? 1000 : peerTimeoutMillis;
    ConfigException.require(
        peerTimeoutMillis >= 10 && peerTimeoutMillis <= 60_000,
        "peerTimeoutMillis",
        "10..60000",
        peerTimeoutMillis);
    leaseMaxAgeMillis = leaseMaxAgeMillis == null ? 30_000 : leaseMaxAgeMillis;
    ConfigException.require(
        leaseMaxAgeMillis >= 100 && leaseMaxAgeMillis <= 600_000,
        "leaseMaxAgeMillis",
        "100..600000",
        leaseMaxAgeMillis);
    leaseAttempts = leaseAttempts == null ? 3 : leaseAttempts;
    ConfigException.require(
        leaseAttempts >= 1 && leaseAttempts <= 20, "leaseAttempts", "1..20", leaseAttempts);
  }

  /** All defaults. */
  public static ClusterFillConfig defaults() {
    return new ClusterFillConfig(null, null, null, null);
  }

  /** The parsed {@link #peerScope}. */
  public PeerScope scope() {
    return PeerScope.parse(peerScope);
  }
}
