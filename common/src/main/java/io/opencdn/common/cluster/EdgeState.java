package io.opencdn.common.cluster;

/** Whether an edge takes new traffic. */
public enum EdgeState {
  /** Serving and eligible for DNS answers. */
  ACTIVE,
  /** Serving the clients it has, but DNS sends it no new ones. */
  DRAINING
}
