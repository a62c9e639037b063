package io.opencdn.dns.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * DNS over TCP settings (the {@code tcp} section; see {@link io.opencdn.dns.net.TcpListener}).
 *
 * @param maxConnections connections open at once over all listeners; one more is closed when
 *     accepted (RFC 7766 6.2.2), 1..100000 (default 1000)
 * @param maxConnectionsPerClient connections open at once from one client address, so one host
 *     cannot hold every slot, 1..maxConnections (default 16)
 * @param idleSeconds a connection with nothing read or written for this long is closed (RFC 7766
 *     6.2.3); also the longest a client that does not read its responses keeps its connection,
 *     1..300 (default 10)
 * @param writeQueueBytes responses waiting to be sent on one connection before the server stops
 *     reading its queries (a client that pipelines and never reads cannot grow memory),
 *     1024..1048576 (default 65536)
 */
public record TcpConfig(
    @JsonProperty("maxConnections") Integer maxConnections,
    @JsonProperty("maxConnectionsPerClient") Integer maxConnectionsPerClient,
    @JsonProperty("idleSeconds") Integer idleSeconds,
    @JsonProperty("writeQueueBytes") Integer writeQueueBytes) {

  /** The defaults: 1000 connections, 16 per client, 10 s idle, 64 KiB of queued responses. */
  public static final TcpConfig DEFAULT = new TcpConfig(null, null, null, null);

  public TcpConfig {
    maxConnections = maxConnections == null ? 1000 : maxConnections;
    maxConnectionsPerClient =
        maxConnectionsPerClient == null ? Math.min(16, maxConnections) : maxConnectionsPerClient;
    idleSeconds = idleSeconds == null ? 10 : idleSeconds;
    writeQueueBytes = writeQueueBytes == null ? 65_536 : writeQueueBytes;
    ConfigException.require(
        maxConnections >= 1 && maxConnections <= 100_000,
        "maxConnections",
        "1..100000",
        maxConnections);
    ConfigException.require(
        maxConnectionsPerClient >= 1 && maxConnectionsPerClient <= maxConnections,
        "maxConnectionsPerClient",
        "1..maxConnections (" + maxConnections + ")",
        maxConnectionsPerClient);
    ConfigException.require(
        idleSeconds >= 1 && idleSeconds <= 300, "idleSeconds", "1..300 seconds", idleSeconds);
    ConfigException.require(
        writeQueueBytes >= 1024 && writeQueueBytes <= 1 << 20,
        "writeQueueBytes",
        "1024..1048576",
        writeQueueBytes);
  }
}
