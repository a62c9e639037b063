package io.opencdn.dns.routing;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link EdgeSnapshotSource} whose snapshot is replaced by whoever learns something new (the
 * cluster directory, or a test). Readers never block.
 */
public final class SnapshotHolder implements EdgeSnapshotSource {

  private final AtomicReference<EdgeSnapshot> current;

  public SnapshotHolder(EdgeSnapshot initial) {
    current = new AtomicReference<>(initial);
  }

  public SnapshotHolder() {
    this(EdgeSnapshot.EMPTY);
  }

  @Override
  public EdgeSnapshot current() {
    return current.get();
  }

  /** Publishes {@code next}; returns true when it differs from the previous snapshot. */
  public boolean publish(EdgeSnapshot next) {
    return !next.equals(current.getAndSet(next));
  }
}
