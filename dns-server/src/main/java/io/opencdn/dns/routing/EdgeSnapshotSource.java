package io.opencdn.dns.routing;

/**
 * Supplies the current {@link EdgeSnapshot}. {@link #current()} must be a plain volatile read: it
 * is called for every query on an event loop.
 */
@FunctionalInterface
public interface EdgeSnapshotSource {

  /** The latest snapshot. */
  EdgeSnapshot current();
}
