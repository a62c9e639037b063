package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;

/**
 * The admin HTTP listener (the {@code admin} section; absent = no listener).
 *
 * @param listen HTTP address, e.g. {@code 127.0.0.1:8054} (required)
 * @param token bearer token for mutating calls ({@code POST /reload}); empty = generate one at
 *     start and log it once; otherwise at least 16 characters
 */
public record AdminConfig(
    @JsonProperty("listen") Endpoint listen, @JsonProperty("token") String token) {
  public AdminConfig {
    ConfigException.require(listen != null, "listen", "host:port of the admin listener", "nothing");
    token = token == null ? "" : token;
    ConfigException.require(
        token.isEmpty() || token.length() >= 16,
        "token",
        "empty (generate one) or at least 16 characters",
        token.length() + " characters");
  }

  /**
   * {@link io.opencdn.common.config.Redacted}: every component but {@code token}, which is never
   * printed.
   */
  @Override
  public String toString() {
    return io.opencdn.common.config.Redacted.text(this, java.util.Set.of("token"));
  }
}
