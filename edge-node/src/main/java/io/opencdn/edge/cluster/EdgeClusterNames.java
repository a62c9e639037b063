package io.opencdn.edge.cluster;

import io.opencdn.edge.cluster.purge.Invalidations;

/**
 * Names of the distributed structures only the edges read and write in Hazelcast. All but {@link
 * #TLS_TICKET_KEYS} are also constants of {@link io.opencdn.common.cluster.ClusterMaps}, with the
 * same strings; the DNS server reads none of them.
 */
public final class EdgeClusterNames {

  /** {@code IMap<String, EdgeLoad>}: edge id to its load figures, written with each heartbeat. */
  public static final String EDGE_LOAD = "edge-load";

  /**
   * {@code ReliableTopic<PurgeRequest>}: purge requests broadcast to every edge ({@link
   * Invalidations#TOPIC}).
   */
  public static final String PURGES = Invalidations.TOPIC;

  /**
   * {@code IMap<String, InvalidationRecord>}: invalidation id to its request and expected edges.
   */
  public static final String INVALIDATIONS = Invalidations.RECORDS;

  /** {@code IMap<String, PurgeAcks>}: invalidation id to the edges that have purged. */
  public static final String PURGE_ACKS = Invalidations.ACKS;

  /** {@code IMap<String, OriginFailure>}: origin URL to the report that it is failing. */
  public static final String ORIGIN_HEALTH = "origin-health";

  /**
   * {@code IMap<Long, byte[]>}: rotation epoch to its TLS session ticket key, sealed ({@link
   * ClusterTicketKeys}).
   */
  public static final String TLS_TICKET_KEYS = ClusterTicketKeys.MAP;

  private EdgeClusterNames() {}
}
