package io.opencdn.edge.cache;

import java.time.Clock;

/** The memory tier against the shared {@link ResponseCacheContract}. */
class MemoryCacheTest extends ResponseCacheContract {

  @Override
  ResponseCache newCache(long budgetBytes, Clock clock) {
    return new MemoryCache(budgetBytes, clock);
  }
}
