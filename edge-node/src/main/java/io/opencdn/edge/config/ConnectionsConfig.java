package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * Bounds on client connections ({@code connections:} section), for the HTTP and HTTPS listeners
 * together ({@code http.ConnectionGuard}).
 *
 * @param maxConnections client connections open at once; one more is closed as soon as it is
 *     accepted (default 10000)
 * @param maxConnectionsPerAddress client connections open at once from one IP address (default 256)
 * @param headerTimeoutMillis a new connection must deliver a complete request head within this,
 *     however slowly its bytes trickle in (slowloris); also the TLS handshake timeout (default
 *     10000)
 * @param keepAliveTimeoutMillis a connection between requests is closed unless the next request's
 *     head is complete within this (the wait and the head's reading together, default 60000)
 * @param idleTimeoutSeconds while a request is served, a connection with nothing read or written
 *     for this long is closed (default 120)
 * @param http2MaxConcurrentStreams HTTP/2 streams a client may open at once (SETTINGS, default 100)
 * @param http2ResetsPerWindow HTTP/2 RST_STREAM frames a client may send per window before the
 *     connection is closed with GOAWAY ENHANCE_YOUR_CALM: the rapid reset attack, CVE-2023-44487
 *     (default 200)
 * @param http2ResetWindowSeconds the window of {@code http2ResetsPerWindow} (default 30)
 */
public record ConnectionsConfig(
    @JsonProperty("maxConnections") Integer maxConnections,
    @JsonProperty("maxConnectionsPerAddress") Integer maxConnectionsPerAddress,
    @JsonProperty("headerTimeoutMillis") Integer headerTimeoutMillis,
    @JsonProperty("keepAliveTimeoutMillis") Integer keepAliveTimeoutMillis,
    @JsonProperty("idleTimeoutSeconds") Integer idleTimeoutSeconds,
    @JsonProperty("http2MaxConcurrentStreams") Integer http2MaxConcurrentStreams,
    @JsonProperty("http2ResetsPerWindow") Integer http2ResetsPerWindow,
    @JsonProperty("http2ResetWindowSeconds") Integer http2ResetWindowSeconds) {

  /** Every default. */
  public static final ConnectionsConfig DEFAULTS =
      new ConnectionsConfig(null, null, null, null, null, null, null, null);

  public ConnectionsConfig {
    maxConnections = maxConnections == null ? 10_000 : maxConnections;
    maxConnectionsPerAddress =
        maxConnectionsPerAddress == null ? Math.min(256, maxConnections) : maxConnectionsPerAddress;
    headerTimeoutMillis = headerTimeoutMillis == null ? 10_000 : headerTimeoutMillis;
    keepAliveTimeoutMillis = keepAliveTimeoutMillis == null ? 60_000 : keepAliveTimeoutMillis;
    idleTimeoutSeconds = idleTimeoutSeconds == null ? 120 : idleTimeoutSeconds;
    http2MaxConcurrentStreams = http2MaxConcurrentStreams == null ? 100 : http2MaxConcurrentStreams;
    http2ResetsPerWindow = http2ResetsPerWindow == null ? 200 : http2ResetsPerWindow;
    http2ResetWindowSeconds = http2ResetWindowSeconds == null ? 30 : http2ResetWindowSeconds;
    ConfigException.require(
        maxConnections >= 1 && maxConnections <= 1_000_000,
        "maxConnections",
        "1..1000000",
        maxConnections);
    ConfigException.require(
        maxConnectionsPerAddress >= 1 && maxConnectionsPerAddress <= maxConnections,
        "maxConnectionsPerAddress",
        "1..maxConnections (" + maxConnections + ")",
        maxConnectionsPerAddress);
    ConfigException.require(
        headerTimeoutMillis >= 100 && headerTimeoutMillis <= 600_000,
        "headerTimeoutMillis",
        "100..600000",
        headerTimeoutMillis);
    ConfigException.require(
        keepAliveTimeoutMillis >= 100 && keepAliveTimeoutMillis <= 3_600_000,
        "keepAliveTimeoutMillis",
        "100..3600000",
        keepAliveTimeoutMillis);
    ConfigException.require(
        idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 3600,
        "idleTimeoutSeconds",
        "1..3600",
        idleTimeoutSeconds);
    ConfigException.require(
        http2MaxConcurrentStreams >= 1 && http2MaxConcurrentStreams <= 10_000,
        "http2MaxConcurrentStreams",
        "1..10000",
        http2MaxConcurrentStreams);
    ConfigException.require(
        http2ResetsPerWindow >= 1 && http2ResetsPerWindow <= 1_000_000,
        "http2ResetsPerWindow",
        "1..1000000",
        http2ResetsPerWindow);
    ConfigException.require(
        http2ResetWindowSeconds >= 1 && http2ResetWindowSeconds <= 3600,
        "http2ResetWindowSeconds",
        "1..3600",
        http2ResetWindowSeconds);
  }
}
