package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import java.net.InetAddress;

/**
 * Active latency probing (YAML key {@code latency}; used only with a {@code cluster}): every {@code
 * intervalMillis} the edge measures the TCP connect RTT to up to {@code maxTargets} client networks
 * the DNS servers published, and publishes the smoothed values for the DNS ranking.
 *
 * @param enabled probe at all (default false: probes leave the edge towards client networks)
 * @param intervalMillis one round every this many ms, 100..3600000 (default 5000)
 * @param maxTargets prefixes probed per round, the most recently seen first, 1..100000 (default
 *     200)
 * @param port TCP port connected to, 1..65535 (default 53: resolvers answer or refuse it)
 * @param timeoutMillis a connect not answered (SYN-ACK or RST) within this is no sample, 10..60000
 *     (default 1000); also bounds a round
 * @param sourceAddress local address the probes are sent from, or null for the system's choice
 */
public record LatencyConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("intervalMillis") Integer intervalMillis,
    @JsonProperty("maxTargets") Integer maxTargets,
    @JsonProperty("port") Integer port,
    @JsonProperty("timeoutMillis") Integer timeoutMillis,
    @JsonProperty("sourceAddress") String sourceAddress) {

  public LatencyConfig {
    enabled = enabled != null && enabled;
    intervalMillis = intervalMillis == null ? 5000 : intervalMillis;
    ConfigException.require(
        intervalMillis >= 100 && intervalMillis <= 3_600_000,
        "intervalMillis",
        "100..3600000",
        intervalMillis);
    maxTargets = maxTargets == null ? 200 : maxTargets;
    ConfigException.require(
        maxTargets >= 1 && maxTargets <= 100_000, "maxTargets", "1..100000", maxTargets);
    port = port == null ? 53 : port;
    ConfigException.require(port >= 1 && port <= 65535, "port", "1..65535", port);
    timeoutMillis = timeoutMillis == null ? 1000 : timeoutMillis;
    ConfigException.require(
        timeoutMillis >= 10 && timeoutMillis <= 60_000,
        "timeoutMillis",
        "10..60000",
        timeoutMillis);
    sourceAddress = sourceAddress == null || sourceAddress.isBlank() ? null : sourceAddress.trim();
    ConfigException.require(
        sourceAddress == null || isIpLiteral(sourceAddress),
        "sourceAddress",
        "an IPv4 or IPv6 address",
        sourceAddress);
  }

  /** Disabled, everything else default. */
  public static LatencyConfig defaults() {
    return new LatencyConfig(null, null, null, null, null, null);
  }

  /** The parsed {@link #sourceAddress}, or null. */
  public InetAddress source() {
    try {
      return sourceAddress == null ? null : InetAddress.getByName(sourceAddress);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // validated as a literal: no lookup happens
    }
  }

  private static boolean isIpLiteral(String s) {
    return s.matches("[0-9.]+") && s.split("\\.", -1).length == 4
        || s.contains(":") && s.matches("[0-9a-fA-F:.]+");
  }
}
