package io.opencdn.edge.cache;

import java.util.Locale;
import java.util.Objects;

/**
 * Cache key of a GET or HEAD request (RFC 9111 section 2): the host the client asked for (lower
 * case, port ignored) and the request target (path and query). HEAD and GET share a key, so a HEAD
 * is answered from a stored GET response.
 *
 * <p>A <em>primary</em> key has no {@code variant}. When a response carries {@code Vary}, the
 * primary key holds a variant index ({@link Variants}) and each variant is stored under a
 * <em>secondary</em> key: the same host and target plus the normalised values of the selecting
 * request headers (RFC 9111 section 4.1). Host and target are the same for every variant, so a
 * purge matching them (exact path, prefix) matches all variants of a URL.
 *
 * @param host lower-case host name without port
 * @param target path and query exactly as requested
 * @param variant the selecting header values of a secondary key ({@link Variants#variantOf}), or
 *     null for the primary key
 */
public record CacheKey(String host, String target, String variant) {

  public CacheKey {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(target, "target");
    host = host.toLowerCase(Locale.ROOT);
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** A primary key. */
  public CacheKey(String host, String target) {
    this(host, target, null);
  }

  /** True for a secondary (variant) key. */
  public boolean isVariant() {
    return variant != null;
  }

  /** The primary key of this key (itself when it is one). */
  public CacheKey primary() {
    return variant == null ? this : new CacheKey(host, target, null);
  }

  /** The secondary key of {@code variant} under this key's URL. */
  public CacheKey withVariant(String v) {
    return new CacheKey(host, target, v);
  }

  /**
   * Approximate memory footprint in bytes of this key as a cache holds it: its strings (two bytes a
   * character at most) and the objects around them.
   */
  public int weight() {
    long chars = (long) host.length() + target.length() + (variant == null ? 0 : variant.length());
    return (int) Math.min(Integer.MAX_VALUE, 96 + 2 * chars);
  }

  /** {@code host + target}, followed by {@code " {variant}"} for a secondary key. */
  @Override
  public String toString() {
    return variant == null ? host + target : host + target + " {" + variant + "}";
  }
}
