package io.opencdn.edge.cache;

/**
 * A snapshot of a cache tier's size.
 *
 * @param entries stored responses
 * @param bytes weighted size of the stored responses in bytes
 * @param budgetBytes the tier's budget; {@code bytes} stays at or below it
 * @param evictions responses evicted for size or expiry since start
 */
public record CacheStats(long entries, long bytes, long budgetBytes, long evictions) {}
