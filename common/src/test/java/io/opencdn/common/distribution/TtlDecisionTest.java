package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.TtlDecision.Basis;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TtlDecisionTest {

  private static final CachePolicy CUSTOM =
      new CachePolicy("custom", 60, 600, 3600, Selection.NONE, Selection.NONE, Selection.NONE);

  @ParameterizedTest(name = "{0}, forbids={1}, origin={2} -> {3} ({4})")
  @CsvSource({
    // policy, origin forbids caching, origin lifetime, seconds, basis
    "CachingOptimized, false, -1, 86400, DEFAULT_TTL",
    "CachingOptimized, false, 0, 1, ORIGIN_LIFETIME",
    "CachingOptimized, false, 300, 300, ORIGIN_LIFETIME",
    "CachingOptimized, false, 99999999, 31536000, ORIGIN_LIFETIME",
    "CachingOptimized, true, -1, 1, ORIGIN_FORBIDS_MIN_TTL",
    "CachingDisabled, false, 3600, -1, NEVER_CACHED",
    "CachingDisabled, true, -1, -1, NEVER_CACHED",
    "UseOriginCacheControlHeaders, false, -1, 0, DEFAULT_TTL",
    "UseOriginCacheControlHeaders, false, 120, 120, ORIGIN_LIFETIME",
    "UseOriginCacheControlHeaders, true, 120, -1, ORIGIN_FORBIDS",
    "custom, false, 10, 60, ORIGIN_LIFETIME",
    "custom, false, 7200, 3600, ORIGIN_LIFETIME",
    "custom, false, -1, 600, DEFAULT_TTL",
    "custom, true, -1, 60, ORIGIN_FORBIDS_MIN_TTL",
  })
  void followsCloudFront(String policy, boolean forbids, long origin, long seconds, Basis basis) {
    CachePolicy p = policy.equals("custom") ? CUSTOM : CachePolicy.BUILT_IN.get(policy);
    TtlDecision.Ttl t = TtlDecision.decide(p, forbids, origin);
    assertThat(t.seconds()).isEqualTo(seconds);
    assertThat(t.basis()).isEqualTo(basis);
  }
}
