package io.opencdn.common.cluster;

/**
 * The cluster contract's names: every distributed structure the DNS servers and the edges share in
 * Hazelcast, with its key and value types. The records and keys live beside this class in {@code
 * common.cluster} where both programs read or write them ({@link EdgeRecord}, {@link
 * LatencyKey}/{@link LatencySample}, {@link ProbeTarget}, {@link DirectoryEntry}); the records only
 * edges exchange (load, purges, invalidations, origin health) are defined in the edge module, under
 * the names given here. Every value is tagged with the cluster's {@link RecordMac} by its writer
 * and checked by its readers ({@link RecordCheck}).
 */
public final class ClusterMaps {

  /**
   * {@code IMap<String, EdgeRecord>}: edge id to its registry entry, written by the edge itself on
   * start and every heartbeat (TTL 10 s); read by the DNS servers and by the edges (live edges of
   * an invalidation).
   */
  public static final String EDGES = "edges";

  /**
   * {@code IMap<String, EdgeLoad>}: edge id to its load figures (requests/s, bytes/s, open
   * connections, capacity, utilisation), written with each heartbeat (TTL ten intervals).
   */
  public static final String EDGE_LOAD = "edge-load";

  /**
   * {@code IMap<String, DirectoryEntry>}: cache key to the edges holding a fresh copy and the lease
   * of the edge filling it ({@link DirectoryOps}).
   */
  public static final String CACHE_DIRECTORY = "cache-directory";

  /** Most {@link #CACHE_DIRECTORY} entries a member keeps (least recently used evicted first). */
  public static final int CACHE_DIRECTORY_MAX_PER_MEMBER = 200_000;

  /**
   * {@code IMap<String, ProbeTarget>}: client prefix ({@code 81.2.69.0/24}, {@code
   * 2001:db8:1::/48}) to the address the edges should measure, written by the DNS servers (TTL 10
   * min), read by the edges' latency probers.
   */
  public static final String LATENCY_TARGETS = "latency-targets";

  /**
   * {@code IMap<LatencyKey, LatencySample>}: (client prefix, edge id) to the edge's smoothed RTT to
   * that network, written by the edges (TTL ten probe intervals), read by the DNS servers' latency
   * policy.
   */
  public static final String LATENCY = "latency";

  /** {@code ReliableTopic<PurgeRequest>}: purge requests broadcast to every edge. */
  public static final String PURGES = "purges";

  /**
   * {@code IMap<String, InvalidationRecord>}: invalidation id to its request and the edges expected
   * to purge.
   */
  public static final String INVALIDATIONS = "invalidations";

  /** {@code IMap<String, PurgeAck>}: invalidation id to the edges that have purged. */
  public static final String PURGE_ACKS = "purge-acks";

  /** {@code IMap<String, OriginFailure>}: origin URL to the report that it is failing. */
  public static final String ORIGIN_HEALTH = "origin-health";

  /**
   * {@code IMap<Long, byte[]>}: rotation epoch to the edges' TLS session ticket key of that epoch,
   * sealed with a key derived from the cluster secret (edge-node's {@code ClusterTicketKeys}).
   */
  public static final String TLS_TICKET_KEYS = "tls-ticket-keys";

  /**
   * {@code IMap<String, LiveStreamRecord>}: live stream name to the edge it is published at (the
   * {@code live} module's {@code HazelcastLiveDirectory}).
   */
  public static final String LIVE_STREAMS = "live-streams";

  /**
   * {@code IMap<String, String>}: a DNS-01 record name ({@code _acme-challenge.www.cdn.test}, lower
   * case, no final dot) to its {@link AcmeChallenge} in {@link AcmeChallenge#encode text form},
   * written by the edge that is issuing a certificate (TTL the challenge's lifetime), read by the
   * DNS servers, which answer TXT queries for the name with its values. HTTP-01 tokens go in the
   * same map under {@code http-01/<token>}.
   */
  public static final String ACME_CHALLENGES = "acme-challenges";

  /**
   * {@code IMap<String, String>}: certificates obtained through ACME, by the hosts they cover, and
   * the ACME account, with every private key sealed under a key derived from the cluster secret;
   * written by the issuing edge, read by every edge (edge module, {@code cluster.acme}).
   */
  public static final String ACME_CERTIFICATES = "acme-certificates";

  private ClusterMaps() {}
}
