package io.opencdn.common.cluster;

/** Names of the distributed structures the CDN keeps in Hazelcast. */
public final class ClusterMaps {

  /** {@code IMap<String, EdgeRecord>}: edge id to its registry entry, written by the edge itself. */
  public static final String EDGES = "edges";

  private ClusterMaps() {}
}
