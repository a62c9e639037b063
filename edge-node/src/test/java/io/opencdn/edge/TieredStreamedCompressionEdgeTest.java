package io.opencdn.edge;

import io.opencdn.edge.cache.DiskCache;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.cache.ResponseCache;
import io.opencdn.edge.cache.TieredCache;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** {@link StreamedCompressionEdgeTest} against the memory tier in front of the disk tier. */
class TieredStreamedCompressionEdgeTest extends StreamedCompressionEdgeTest {

  @TempDir Path dir;

  @Override
  protected ResponseCache newCache(long budgetBytes, Clock clock) {
    return new TieredCache(
        new MemoryCache(budgetBytes, clock), new DiskCache(vertx, dir, budgetBytes, clock));
  }
}
