package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * HTTP health checks ({@code GET /_cdn/health} on each edge).
 *
 * @param intervalMillis time between two checks of an edge, 100..60000 (default 500)
 * @param timeoutMillis a check slower than this fails, 50..intervalMillis*10 (default 400)
 * @param fall consecutive failures that mark an edge down, 1..10 (default 2)
 * @param rise consecutive successes that mark it up again, 1..10 (default 2)
 */
public record HealthConfig(
    @JsonProperty("intervalMillis") Integer intervalMillis,
    @JsonProperty("timeoutMillis") Integer timeoutMillis,
    @JsonProperty("fall") Integer fall,
    @JsonProperty("rise") Integer rise) {
  public HealthConfig {
    intervalMillis = intervalMillis == null ? 500 : intervalMillis;
    timeoutMillis = timeoutMillis == null ? 400 : timeoutMillis;
    fall = fall == null ? 2 : fall;
    rise = rise == null ? 2 : rise;
    ConfigException.require(
        intervalMillis >= 100 && intervalMillis <= 60_000,
        "intervalMillis",
        "100..60000",
        intervalMillis);
    ConfigException.require(
        timeoutMillis >= 50 && timeoutMillis <= 60_000,
        "timeoutMillis",
        "50..60000",
        timeoutMillis);
    ConfigException.require(fall >= 1 && fall <= 10, "fall", "1..10", fall);
    ConfigException.require(rise >= 1 && rise <= 10, "rise", "1..10", rise);
  }
}
