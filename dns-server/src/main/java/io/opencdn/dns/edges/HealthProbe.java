package io.opencdn.dns.edges;

import io.opencdn.common.cluster.EdgeRecord;
import io.vertx.core.Future;

/** Checks one edge once. The future completes with true (passed) or false; it never fails. */
@FunctionalInterface
public interface HealthProbe {

  /** Probes {@code edge}. */
  Future<Boolean> probe(EdgeRecord edge);
}
