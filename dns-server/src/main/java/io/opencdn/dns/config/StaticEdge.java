package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.ConfigException;
import java.net.URI;

/**
 * An edge declared in the DNS config (YAML {@code edges:}) instead of registering itself in the
 * cluster: a site outside the cluster, another CDN's address, or every edge of a cluster-less
 * setup. It is merged into the snapshot next to the cluster's edges (a cluster edge with the same
 * id wins). With {@code healthUrl} it is checked by HTTP GET (any 2xx passes), with {@code
 * healthPort} by a TCP connect to its address, with neither it is always healthy.
 *
 * @param id unique edge id
 * @param region edge group (coverage zones may pin clients to it), optional
 * @param latitude degrees, -90..90
 * @param longitude degrees, -180..180
 * @param ipv4 IPv4 address for A answers (at least one of ipv4/ipv6)
 * @param ipv6 IPv6 address for AAAA answers
 * @param capacity requests per second it is sized for, 0 = unknown (default 0)
 * @param load assumed load in requests per second (default 0), e.g. to steer traffic away by hand
 * @param state ACTIVE (default) or DRAINING
 * @param healthUrl {@code http://...} URL checked by GET, optional
 * @param healthPort TCP port connected to, optional
 */
public record StaticEdge(
    @JsonProperty("id") String id,
    @JsonProperty("region") String region,
    @JsonProperty("latitude") Double latitude,
    @JsonProperty("longitude") Double longitude,
    @JsonProperty("ipv4") String ipv4,
    @JsonProperty("ipv6") String ipv6,
    @JsonProperty("capacity") Double capacity,
    @JsonProperty("load") Double load,
    @JsonProperty("state") EdgeState state,
    @JsonProperty("healthUrl") String healthUrl,
    @JsonProperty("healthPort") Integer healthPort) {

  public StaticEdge {
    ConfigException.require(
        id != null && id.matches("[A-Za-z0-9._-]{1,63}"),
        "id",
        "1-63 letters, digits, '.', '_' or '-'",
        id);
    ConfigException.require(
        latitude != null && latitude >= -90 && latitude <= 90, "latitude", "-90..90", latitude);
    ConfigException.require(
        longitude != null && longitude >= -180 && longitude <= 180,
        "longitude",
        "-180..180",
        longitude);
    ipv4 = blankToNull(ipv4);
    ipv6 = blankToNull(ipv6);
    ConfigException.require(
        ipv4 != null || ipv6 != null, "ipv4", "an IPv4 or IPv6 address (ipv4 or ipv6)", "neither");
    ConfigException.require(
        ipv4 == null || org.xbill.DNS.Address.isDottedQuad(ipv4),
        "ipv4",
        "an IPv4 address literal",
        ipv4);
    ConfigException.require(
        ipv6 == null || org.xbill.DNS.Address.toByteArray(ipv6, org.xbill.DNS.Address.IPv6) != null,
        "ipv6",
        "an IPv6 address literal",
        ipv6);
    capacity = capacity == null ? 0.0 : capacity;
    load = load == null ? 0.0 : load;
    ConfigException.require(capacity >= 0, "capacity", "0 or more requests per second", capacity);
    ConfigException.require(load >= 0, "load", "0 or more requests per second", load);
    state = state == null ? EdgeState.ACTIVE : state;
    healthUrl = blankToNull(healthUrl);
    if (healthUrl != null) {
      URI u;
      try {
        u = URI.create(healthUrl);
      } catch (IllegalArgumentException e) {
        throw ConfigException.invalid("healthUrl", "an http:// URL", healthUrl);
      }
      ConfigException.require(
          "http".equals(u.getScheme()) && u.getHost() != null,
          "healthUrl",
          "an http:// URL",
          healthUrl);
    }
    ConfigException.require(
        healthPort == null || (healthPort >= 1 && healthPort <= 65_535),
        "healthPort",
        "1..65535",
        healthPort);
    ConfigException.require(
        healthUrl == null || healthPort == null,
        "healthPort",
        "either healthUrl or healthPort, not both",
        healthPort);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** True when the edge has a health check. */
  public boolean checked() {
    return healthUrl != null || healthPort != null;
  }

  /** The registry form, with heartbeat {@code now} and no owning member. */
  public EdgeRecord toRecord(long now) {
    int port =
        healthPort != null ? healthPort : healthUrl != null ? portOf(URI.create(healthUrl)) : 0;
    return new EdgeRecord(
        id, region, latitude, longitude, ipv4, ipv6, port, capacity, load, state, null, now);
  }

  private static int portOf(URI u) {
    return u.getPort() > 0 ? u.getPort() : 80;
  }
}
