package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;

/**
 * A listener of its own for the admin endpoints ({@code admin:} section): when present, {@code
 * /_cdn/*} is served there (plain HTTP, the bearer {@code adminToken} as before) and the content
 * listeners answer 404 for it, except {@code /_cdn/health} (the DNS servers' health check of the
 * content listener) and {@code /_cdn/peer/} (other edges reach this one at its advertised content
 * address; the peer token authenticates them). Bind it to a private or loopback address.
 *
 * @param listen host:port of the admin listener (port 0 picks a free one)
 */
public record AdminConfig(@JsonProperty("listen") Endpoint listen) {

  public AdminConfig {
    ConfigException.require(listen != null, "listen", "host:port of the admin listener", "nothing");
  }
}
