package io.opencdn.common.cluster;

import java.io.Serializable;
import java.util.Objects;

/**
 * One edge's entry in the {@link ClusterMaps#EDGES} map. The edge writes it on start and on every
 * heartbeat; the DNS server reads it to build its routing snapshot.
 *
 * @param id unique edge id, e.g. {@code eu-west}
 * @param region region label
 * @param latitude degrees, -90..90
 * @param longitude degrees, -180..180
 * @param ipv4 IPv4 address DNS answers with, or null
 * @param ipv6 IPv6 address DNS answers with, or null
 * @param httpPort port of the edge's HTTP listener (health endpoint included)
 * @param capacity requests per second the edge is sized for
 * @param load requests per second over the last heartbeat interval
 * @param state ACTIVE or DRAINING
 * @param memberUuid the Hazelcast member that owns this entry, so the entry dies with it
 * @param heartbeatMillis wall-clock time of the last write
 */
public record EdgeRecord(
    String id,
    String region,
    double latitude,
    double longitude,
    String ipv4,
    String ipv6,
    int httpPort,
    double capacity,
    double load,
    EdgeState state,
    String memberUuid,
    long heartbeatMillis)
    implements Serializable {

  public EdgeRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    if (ipv4 == null && ipv6 == null) {
      throw new IllegalArgumentException("edge " + id + " has no address");
    }
  }

  /** A copy with another load, state and heartbeat time. */
  public EdgeRecord withLoad(double newLoad, EdgeState newState, long now) {
    return new EdgeRecord(id, region, latitude, longitude, ipv4, ipv6, httpPort, capacity, newLoad, newState, memberUuid, now);
  }
}
