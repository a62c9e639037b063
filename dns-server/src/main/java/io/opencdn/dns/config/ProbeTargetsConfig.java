package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which client addresses the DNS server publishes as latency probe targets (the {@code
 * probeTargets} section; see {@link io.opencdn.dns.latency.ProbeTargets}).
 *
 * @param allowPrivate also publish addresses of private, loopback and other special-purpose ranges
 *     ({@link io.opencdn.dns.latency.PublicAddresses}); default false. Only for a lab whose clients
 *     live in private networks the edges can reach; in production a client subnet is whatever the
 *     querier claims.
 */
public record ProbeTargetsConfig(@JsonProperty("allowPrivate") Boolean allowPrivate) {

  /** Public addresses only. */
  public static final ProbeTargetsConfig DEFAULT = new ProbeTargetsConfig(null);

  public ProbeTargetsConfig {
    allowPrivate = allowPrivate != null && allowPrivate;
  }
}
