package io.opencdn.common.cluster;

/** Names of the distributed structures the CDN keeps in Hazelcast. */
public final class ClusterMaps {

  /** {@code IMap<String, EdgeRecord>}: edge id to its registry entry, written by the edge itself. */
  public static final String EDGES = "edges";
  /**
   * {@code IMap<String, DirectoryEntry>}: cache key to the edges holding a fresh copy and the
   * lease of the edge filling it ({@link DirectoryOps}).
   */
  public static final String CACHE_DIRECTORY = "cache-directory";
  /** Most {@link #CACHE_DIRECTORY} entries a member keeps (least recently used evicted first). */
  public static final int CACHE_DIRECTORY_MAX_PER_MEMBER = 200_000;

  private ClusterMaps() {}
}
