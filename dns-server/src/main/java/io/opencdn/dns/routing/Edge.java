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
 */
public record Edge(String id, double latitude, double longitude, Inet4Address ipv4, Inet6Address ipv6, EdgeState state, boolean healthy) {

  public Edge {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
  }

  /** True when the edge has an address of {@code family}. */
  public boolean has(Family family) {
    return family == Family.IPV4 ? ipv4 != null : ipv6 != null;
  }

  /** True when the edge may take new clients: ACTIVE and healthy. */
  public boolean eligible() {
    return state == EdgeState.ACTIVE && healthy;
  }

  /** A copy with another health flag. */
  public Edge withHealthy(boolean value) {
    return new Edge(id, latitude, longitude, ipv4, ipv6, state, value);
  }
}
