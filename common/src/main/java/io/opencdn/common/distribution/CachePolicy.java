package io.opencdn.common.distribution;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A cache policy with CloudFront's meaning: how long a response stays cached ({@link TtlDecision}:
 * the origin's lifetime clamped to {@code minTtl..maxTtl}, {@code defaultTtl} when the origin gives
 * none) and what besides host and path makes up the cache key ({@link CacheKeyParts}). {@code
 * Accept-Encoding} normalisation is always part of the key, as CloudFront's gzip/brotli settings
 * are on for the built-ins.
 *
 * @param name unique name; the built-in names ({@link #BUILT_IN}) cannot be redefined
 * @param minTtl seconds, 0..maxTtl
 * @param defaultTtl seconds, minTtl..maxTtl
 * @param maxTtl seconds; 0 means never cached
 * @param queryStrings query string parameters in the key
 * @param headers request headers in the key (names compare case-insensitively)
 * @param cookies cookies in the key
 */
public record CachePolicy(
    String name,
    long minTtl,
    long defaultTtl,
    long maxTtl,
    Selection queryStrings,
    Selection headers,
    Selection cookies) {

  /** One year, CloudFront's default maximum TTL. */
  public static final long YEAR = 31_536_000;

  /**
   * CloudFront's {@code Managed-CachingOptimized}: min 1 s, default 1 day, max 1 year, key = host +
   * path.
   */
  public static final CachePolicy CACHING_OPTIMIZED =
      new CachePolicy(
          "CachingOptimized", 1, 86_400, YEAR, Selection.NONE, Selection.NONE, Selection.NONE);

  /** CloudFront's {@code Managed-CachingDisabled}: all TTLs 0, nothing cached. */
  public static final CachePolicy CACHING_DISABLED =
      new CachePolicy("CachingDisabled", 0, 0, 0, Selection.NONE, Selection.NONE, Selection.NONE);

  private static final Selection ORIGIN_HEADERS =
      Selection.allow("Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

  /**
   * CloudFront's {@code Managed-UseOriginCacheControlHeaders}: 0 / 0 / 1 year, key adds Origin,
   * method overrides, all cookies.
   */
  public static final CachePolicy USE_ORIGIN_CACHE_CONTROL_HEADERS =
      new CachePolicy(
          "UseOriginCacheControlHeaders",
          0,
          0,
          YEAR,
          Selection.NONE,
          ORIGIN_HEADERS,
          Selection.ALL);

  /** As {@link #USE_ORIGIN_CACHE_CONTROL_HEADERS}, with every query string in the key. */
  public static final CachePolicy USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS =
      new CachePolicy(
          "UseOriginCacheControlHeaders-QueryStrings",
          0,
          0,
          YEAR,
          Selection.ALL,
          ORIGIN_HEADERS,
          Selection.ALL);

  /** The built-in policies by name. */
  public static final Map<String, CachePolicy> BUILT_IN =
      List.of(
              CACHING_OPTIMIZED,
              CACHING_DISABLED,
              USE_ORIGIN_CACHE_CONTROL_HEADERS,
              USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS)
          .stream()
          .collect(Collectors.toUnmodifiableMap(CachePolicy::name, Function.identity()));
}
