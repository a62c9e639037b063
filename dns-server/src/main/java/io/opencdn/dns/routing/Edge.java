package io.opencdn.dns.routing;

import io.opencdn.common.cluster.EdgeState;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Objects;

/**
 * An edge as the routing policies see it.
 *
 * @param id unique edge id
 * @param latitude degrees
 * @param longitude degrees
 * @param ipv4 address for A answers, or null
 * @param ipv6 address for AAAA answers, or null
 * @param state ACTIVE, or DRAINING (never answered while another edge can be)
 * @param healthy the last health checks passed
 * @param group edge group (the registry's {@code region}), or null
 * @param capacity requests per second the edge is sized for; 0 or less = unknown (never full)
 * @param load requests per second it reported last
 */
public record Edge(
    String id,
    double latitude,
    double longitude,
    Inet4Address ipv4,
    Inet6Address ipv6,
    EdgeState state,
    boolean healthy,
    String group,
    double capacity,
    double load) {

  public Edge {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
  }

  /** An edge without group, capacity or load. */
  public Edge(
      String id,
      double latitude,
      double longitude,
      Inet4Address ipv4,
      Inet6Address ipv6,
      EdgeState state,
      boolean healthy) {
    this(id, latitude, longitude, ipv4, ipv6, state, healthy, null, 0, 0);
  }

  /** True when the edge has an address of {@code family}. */
  public boolean has(Family family) {
    return family == Family.IPV4 ? ipv4 != null : ipv6 != null;
  }

  /** True when the edge may take new clients: ACTIVE and healthy. */
  public boolean eligible() {
    return state == EdgeState.ACTIVE && healthy;
  }

  /** load / capacity, or 0 when the capacity is unknown. */
  public double utilization() {
    return capacity > 0 ? load / capacity : 0;
  }

  /** A copy with another health flag. */
  public Edge withHealthy(boolean value) {
    return new Edge(id, latitude, longitude, ipv4, ipv6, state, value, group, capacity, load);
  }

  /** A copy with another reported load. */
  public Edge withLoad(double value) {
    return new Edge(id, latitude, longitude, ipv4, ipv6, state, healthy, group, capacity, value);
  }

  /** A copy with another state. */
  public Edge withState(EdgeState value) {
    return new Edge(id, latitude, longitude, ipv4, ipv6, value, healthy, group, capacity, load);
  }
}
