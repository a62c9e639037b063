package io.opencdn.common.distribution;

/**
 * How long a response is cached under a {@link CachePolicy}, with CloudFront's rules:
 *
 * <ul>
 *   <li>{@code maxTtl} 0: never cached;
 *   <li>the origin forbids caching ({@code no-store}, {@code no-cache}, {@code private}): not
 *       cached when {@code minTtl} is 0, else cached for {@code minTtl};
 *   <li>the origin gives a lifetime ({@code s-maxage}, {@code max-age}, {@code Expires}): that,
 *       clamped to {@code minTtl..maxTtl};
 *   <li>otherwise {@code defaultTtl}.
 * </ul>
 */
public final class TtlDecision {

  private TtlDecision() {}

  /** What the origin said about the response's lifetime. */
  public enum Basis {
    NEVER_CACHED,
    ORIGIN_FORBIDS,
    ORIGIN_FORBIDS_MIN_TTL,
    ORIGIN_LIFETIME,
    DEFAULT_TTL
  }

  /**
   * The decision.
   *
   * @param seconds lifetime in seconds, -1 when the response is not cached
   * @param basis which rule decided
   */
  public record Ttl(long seconds, Basis basis) {}

  /**
   * @param policy the behavior's cache policy
   * @param originForbids the origin sent {@code no-store}, {@code no-cache} or {@code private}
   * @param originLifetime the origin's explicit lifetime in seconds, -1 when it gave none
   */
  public static Ttl decide(CachePolicy policy, boolean originForbids, long originLifetime) {
    if (policy.maxTtl() == 0) {
      return new Ttl(-1, Basis.NEVER_CACHED);
    }
    if (originForbids) {
      return policy.minTtl() > 0
          ? new Ttl(policy.minTtl(), Basis.ORIGIN_FORBIDS_MIN_TTL)
          : new Ttl(-1, Basis.ORIGIN_FORBIDS);
    }
    if (originLifetime >= 0) {
      return new Ttl(
          Math.max(policy.minTtl(), Math.min(policy.maxTtl(), originLifetime)),
          Basis.ORIGIN_LIFETIME);
    }
    return new Ttl(policy.defaultTtl(), Basis.DEFAULT_TTL);
  }

  /** The rules of {@code policy} in one line, for {@code explain-request}. */
  public static String describe(CachePolicy policy) {
    if (policy.maxTtl() == 0) {
      return "never cached (maxTtl 0)";
    }
    return "origin's s-maxage/max-age/Expires clamped to "
        + policy.minTtl()
        + ".."
        + policy.maxTtl()
        + " s; without one "
        + policy.defaultTtl()
        + " s; no-store/no-cache/private: "
        + (policy.minTtl() > 0 ? "cached " + policy.minTtl() + " s (minTtl)" : "not cached");
  }
}
