package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * The cache tiers and HTTP cache defaults ({@code cache:} section).
 *
 * @param memoryBytes budget of the memory tier (stored bodies plus headers), default 256 MiB
 * @param maxObjectBytes larger responses are passed through and not stored, default 16 MiB
 * @param staleWhileRevalidateSeconds serve a stale response this long past its lifetime while one
 *     background refresh runs, when the response has no {@code stale-while-revalidate} (default 0:
 *     off)
 * @param staleIfErrorSeconds serve a stale response this long past its lifetime when the origin
 *     fails (5xx, timeout, refused), when the response has no {@code stale-if-error} (default
 *     86400)
 * @param heuristicMaxSeconds cap of the heuristic freshness of responses with only a {@code
 *     Last-Modified} (default 86400)
 * @param diskPath directory of the disk tier; null = no disk tier
 * @param diskBytes budget of the disk tier (default 1 GiB when diskPath is set)
 * @param diskMaxObjectBytes with a disk tier, responses larger than {@code maxObjectBytes} up to
 *     this size are streamed to the client and into a disk-only entry (default 1 GiB, at least
 *     {@code maxObjectBytes}); without a disk tier it has no effect
 */
public record CacheConfig(
    @JsonProperty("memoryBytes") Long memoryBytes,
    @JsonProperty("maxObjectBytes") Long maxObjectBytes,
    @JsonProperty("staleWhileRevalidateSeconds") Long staleWhileRevalidateSeconds,
    @JsonProperty("staleIfErrorSeconds") Long staleIfErrorSeconds,
    @JsonProperty("heuristicMaxSeconds") Long heuristicMaxSeconds,
    @JsonProperty("diskPath") String diskPath,
    @JsonProperty("diskBytes") Long diskBytes,
    @JsonProperty("diskMaxObjectBytes") Long diskMaxObjectBytes) {

  public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_OBJECT_BYTES = 16L << 20;
  public static final long DEFAULT_DISK_BYTES = 1L << 30;
  public static final long DEFAULT_DISK_MAX_OBJECT_BYTES = 1L << 30;

  @JsonCreator
  public CacheConfig {
    memoryBytes = memoryBytes == null ? DEFAULT_MEMORY_BYTES : memoryBytes;
    ConfigException.require(memoryBytes >= 4096, "memoryBytes", "at least 4096 bytes", memoryBytes);
    maxObjectBytes =
        maxObjectBytes == null
            ? Math.min(DEFAULT_MAX_OBJECT_BYTES, memoryBytes / 4)
            : maxObjectBytes;
    ConfigException.require(
        maxObjectBytes >= 1 && maxObjectBytes <= Math.min(memoryBytes, Integer.MAX_VALUE - 65536),
        "maxObjectBytes",
        "1.." + Math.min(memoryBytes, Integer.MAX_VALUE - 65536) + " (at most memoryBytes)",
        maxObjectBytes);
    staleWhileRevalidateSeconds =
        staleWhileRevalidateSeconds == null ? 0 : staleWhileRevalidateSeconds;
    ConfigException.require(
        staleWhileRevalidateSeconds >= 0,
        "staleWhileRevalidateSeconds",
        "seconds >= 0",
        staleWhileRevalidateSeconds);
    staleIfErrorSeconds = staleIfErrorSeconds == null ? 86_400 : staleIfErrorSeconds;
    ConfigException.require(
        staleIfErrorSeconds >= 0, "staleIfErrorSeconds", "seconds >= 0", staleIfErrorSeconds);
    heuristicMaxSeconds = heuristicMaxSeconds == null ? 86_400 : heuristicMaxSeconds;
    ConfigException.require(
        heuristicMaxSeconds >= 0, "heuristicMaxSeconds", "seconds >= 0", heuristicMaxSeconds);
    diskPath = diskPath == null || diskPath.isBlank() ? null : diskPath;
    diskBytes = diskBytes == null ? DEFAULT_DISK_BYTES : diskBytes;
    ConfigException.require(
        diskBytes >= maxObjectBytes,
        "diskBytes",
        "at least maxObjectBytes (" + maxObjectBytes + ")",
        diskBytes);
    diskMaxObjectBytes =
        diskMaxObjectBytes == null
            ? Math.max(DEFAULT_DISK_MAX_OBJECT_BYTES, maxObjectBytes)
            : diskMaxObjectBytes;
    ConfigException.require(
        diskMaxObjectBytes >= maxObjectBytes && diskMaxObjectBytes <= Integer.MAX_VALUE - 65536,
        "diskMaxObjectBytes",
        maxObjectBytes + ".." + (Integer.MAX_VALUE - 65536) + " (at least maxObjectBytes)",
        diskMaxObjectBytes);
  }

  /** The section as it was before {@code diskMaxObjectBytes} existed: its default. */
  public CacheConfig(
      Long memoryBytes,
      Long maxObjectBytes,
      Long staleWhileRevalidateSeconds,
      Long staleIfErrorSeconds,
      Long heuristicMaxSeconds,
      String diskPath,
      Long diskBytes) {
    this(
        memoryBytes,
        maxObjectBytes,
        staleWhileRevalidateSeconds,
        staleIfErrorSeconds,
        heuristicMaxSeconds,
        diskPath,
        diskBytes,
        null);
  }

  /** The memory tier only, with default stale windows (the constructor of the first version). */
  public CacheConfig(Long memoryBytes, Long maxObjectBytes) {
    this(memoryBytes, maxObjectBytes, null, null, null, null, null, null);
  }
}
