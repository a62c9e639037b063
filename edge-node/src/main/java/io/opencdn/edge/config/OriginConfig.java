package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * How the edge talks to origins.
 *
 * @param connectTimeoutMillis TCP connect timeout; a failure answers 502 (default 2000)
 * @param timeoutMillis longest wait for response headers or for the next body chunk; a timeout
 *     answers 504 (default 10000)
 */
public record OriginConfig(
    @JsonProperty("connectTimeoutMillis") Integer connectTimeoutMillis,
    @JsonProperty("timeoutMillis") Integer timeoutMillis) {

  public OriginConfig {
    connectTimeoutMillis = connectTimeoutMillis == null ? 2000 : connectTimeoutMillis;
    timeoutMillis = timeoutMillis == null ? 10_000 : timeoutMillis;
    ConfigException.require(
        connectTimeoutMillis >= 1 && connectTimeoutMillis <= 600_000,
        "connectTimeoutMillis",
        "1..600000",
        connectTimeoutMillis);
    ConfigException.require(
        timeoutMillis >= 1 && timeoutMillis <= 3_600_000,
        "timeoutMillis",
        "1..3600000",
        timeoutMillis);
  }
}
