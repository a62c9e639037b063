package io.opencdn.edge.cache;

import io.opencdn.edge.config.CacheConfig;

/**
 * Tunables of the HTTP cache stage (from the {@code cache:} config section).
 *
 * @param maxObjectBytes larger responses are relayed, not stored
 * @param staleWhileRevalidateSeconds window used when a response has no {@code
 *     stale-while-revalidate} (RFC 5861); 0 disables
 * @param staleIfErrorSeconds window used when a response has no {@code stale-if-error}
 * @param heuristicMaxSeconds cap of heuristic freshness (RFC 9111 section 4.2.2)
 * @param diskMaxObjectBytes with a disk tier ({@link CacheTiers#largeObjects}), larger responses up
 *     to this size are streamed into a disk-only entry; {@code maxObjectBytes} or less: off
 */
public record CacheSettings(
    long maxObjectBytes,
    long staleWhileRevalidateSeconds,
    long staleIfErrorSeconds,
    long heuristicMaxSeconds,
    long diskMaxObjectBytes) {

  /** Settings without large disk-only entries ({@code diskMaxObjectBytes = maxObjectBytes}). */
  public CacheSettings(
      long maxObjectBytes,
      long staleWhileRevalidateSeconds,
      long staleIfErrorSeconds,
      long heuristicMaxSeconds) {
    this(
        maxObjectBytes,
        staleWhileRevalidateSeconds,
        staleIfErrorSeconds,
        heuristicMaxSeconds,
        maxObjectBytes);
  }

  /** The settings of the {@code cache} section. */
  public static CacheSettings of(CacheConfig c) {
    return new CacheSettings(
        c.maxObjectBytes(),
        c.staleWhileRevalidateSeconds(),
        c.staleIfErrorSeconds(),
        c.heuristicMaxSeconds(),
        c.diskMaxObjectBytes());
  }

  /** Defaults: no stale-while-revalidate, one day of stale-if-error, one day of heuristic cap. */
  public static CacheSettings defaults(long maxObjectBytes) {
    return new CacheSettings(maxObjectBytes, 0, 86_400, 86_400);
  }
}
