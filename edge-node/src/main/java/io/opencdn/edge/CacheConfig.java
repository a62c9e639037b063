package io.opencdn.edge;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;

/**
 * The memory cache tier.
 *
 * @param memoryBytes budget of the memory tier (stored bodies plus headers), default 256 MiB
 * @param maxObjectBytes larger responses are passed through and not stored, default 16 MiB
 */
public record CacheConfig(@JsonProperty("memoryBytes") Long memoryBytes, @JsonProperty("maxObjectBytes") Long maxObjectBytes) {

  public static final long DEFAULT_MEMORY_BYTES = 256L << 20;
  public static final long DEFAULT_MAX_OBJECT_BYTES = 16L << 20;

  public CacheConfig {
    memoryBytes = memoryBytes == null ? DEFAULT_MEMORY_BYTES : memoryBytes;
    ConfigException.require(memoryBytes >= 4096, "memoryBytes", "at least 4096 bytes", memoryBytes);
    maxObjectBytes = maxObjectBytes == null ? Math.min(DEFAULT_MAX_OBJECT_BYTES, memoryBytes / 4) : maxObjectBytes;
    ConfigException.require(maxObjectBytes >= 1 && maxObjectBytes <= Math.min(memoryBytes, Integer.MAX_VALUE - 65536),
        "maxObjectBytes", "1.." + Math.min(memoryBytes, Integer.MAX_VALUE - 65536) + " (at most memoryBytes)", maxObjectBytes);
  }
}
