package io.opencdn.edge.peer;

import java.io.Serializable;

/**
 * One edge holding a fresh copy of an object, as listed in the cache directory.
 *
 * @param edgeId the holder's edge id
 * @param region its region (for the peer scope)
 * @param memberUuid its Hazelcast member, so holders that left the cluster are skipped
 * @param host address its HTTP listener is reached at
 * @param port its HTTP port
 * @param expiresMillis clock time the copy turns stale
 */
public record Holder(String edgeId, String region, String memberUuid, String host, int port, long expiresMillis)
    implements Serializable {}
