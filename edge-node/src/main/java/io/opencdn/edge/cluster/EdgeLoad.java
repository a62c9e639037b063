package io.opencdn.edge.cluster;

import java.io.Serializable;

/**
 * One edge's load figures in {@link EdgeClusterNames#EDGE_LOAD}, written with each registry
 * heartbeat (the {@link io.opencdn.common.cluster.EdgeRecord} of {@code edges} carries only
 * requests/s and capacity). Rates are averaged over the interval since the previous write.
 *
 * @param id edge id
 * @param requestsPerSecond client requests per second
 * @param bytesPerSecond response bytes (headers and body) written per second
 * @param openConnections client connections open at the time of the write
 * @param capacity requests per second the edge is sized for
 * @param utilisation {@code requestsPerSecond / capacity}
 * @param heartbeatMillis clock time of the write
 */
public record EdgeLoad(String id, double requestsPerSecond, double bytesPerSecond, int openConnections,
    double capacity, double utilisation, long heartbeatMillis) implements Serializable {}
