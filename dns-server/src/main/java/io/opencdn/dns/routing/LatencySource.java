package io.opencdn.dns.routing;

/** Supplies the current {@link LatencyTable}; a plain volatile read, called on the query path. */
@FunctionalInterface
public interface LatencySource {

  /** No measurements, ever. */
  LatencySource NONE = () -> LatencyTable.EMPTY;

  /** The latest table. */
  LatencyTable current();
}
