package io.opencdn.edge.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CachePolicy;
import io.opencdn.edge.cache.CacheSettings;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HttpDates;
import io.opencdn.edge.fill.Origin;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The serve decision as a table: the request's {@code Cache-Control}, the stored response's {@code
 * Cache-Control} and validator, its age, whether the cluster considers the origin failing and the
 * configured {@code stale-while-revalidate} window, against what the edge does.
 */
class ServePolicyTest {

  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final Origin ORIGIN = new Origin("127.0.0.1", 9090, false);

  @ParameterizedTest(
      name = "request [{0}] stored [{1}] {2} at age {3}, failing {4}, swr {5} -> {6}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // nothing stored
        "-                | none                                    | -    | -  | false | 0  | FILL",
        "only-if-cached   | none                                    | -    | -  | false | 0  | NOT_CACHED",
        // fresh
        "-                | max-age=60                              | -    | 30 | false | 0  | HIT",
        "-                | max-age=60                              | -    | 30 | true  | 0  | HIT",
        "max-age=40       | max-age=60                              | -    | 30 | false | 0  | HIT",
        "max-age=20       | max-age=60                              | -    | 30 | false | 0  | FILL",
        "max-age=20       | max-age=60                              | etag | 30 | false | 0  | REVALIDATE",
        "min-fresh=40     | max-age=60                              | -    | 30 | false | 0  | FILL",
        "no-cache         | max-age=60                              | -    | 10 | false | 0  | FILL",
        "no-cache         | max-age=60                              | etag | 10 | false | 0  | REVALIDATE",
        "only-if-cached   | max-age=60                              | -    | 30 | false | 0  | HIT",
        // stale
        "-                | max-age=60                              | -    | 61 | false | 0  | FILL",
        "-                | max-age=60                              | etag | 61 | false | 0  | REVALIDATE",
        "-                | max-age=60                              | lm   | 61 | false | 0  | REVALIDATE",
        "only-if-cached   | max-age=60                              | etag | 61 | false | 0  | NOT_CACHED",
        "max-stale=20     | max-age=60                              | -    | 70 | false | 0  | HIT",
        "max-stale=5      | max-age=60                              | -    | 70 | false | 0  | FILL",
        "max-stale        | max-age=60, must-revalidate             | etag | 70 | false | 0  | REVALIDATE",
        "-                | no-cache                                | etag | 0  | false | 0  | REVALIDATE",
        // stale-while-revalidate (RFC 5861 3)
        "-                | max-age=60, stale-while-revalidate=30   | -    | 80 | false | 0  | STALE_WHILE_REVALIDATE",
        "-                | max-age=60, stale-while-revalidate=30   | -    | 95 | false | 0  | FILL",
        "-                | max-age=60, stale-while-revalidate=30   | -    | 80 | true  | 0  | STALE_IF_ERROR",
        "max-age=0        | max-age=60, stale-while-revalidate=30   | -    | 80 | false | 0  | FILL",
        "no-cache         | max-age=60, stale-while-revalidate=30   | etag | 80 | false | 0  | REVALIDATE",
        "-                | max-age=60, must-revalidate, stale-while-revalidate=30 | - | 80 | false | 0 | FILL",
        "-                | max-age=60                              | -    | 80 | false | 30 | STALE_WHILE_REVALIDATE",
        "-                | max-age=60                              | -    | 95 | false | 30 | FILL",
        // stale-if-error while the cluster says the origin fails (RFC 5861 4; default window one
        // day)
        "-                | max-age=60                              | -    | 70 | true  | 0  | STALE_IF_ERROR",
        "-                | max-age=60                              | etag | 90000 | true | 0 | REVALIDATE",
        "-                | max-age=60, stale-if-error=5            | -    | 70 | true  | 0  | FILL",
        "-                | max-age=60, stale-if-error=30           | -    | 70 | true  | 0  | STALE_IF_ERROR",
        "-                | max-age=60, must-revalidate             | -    | 70 | true  | 0  | FILL",
        "-                | max-age=60, proxy-revalidate            | -    | 70 | true  | 0  | FILL",
        "-                | s-maxage=60                             | -    | 70 | true  | 0  | FILL",
        "-                | s-maxage=60, stale-if-error=30          | -    | 70 | true  | 0  | STALE_IF_ERROR",
      })
  void decides(
      String requestCc,
      String storedCc,
      String validator,
      Long age,
      boolean failing,
      long swrSeconds,
      Serve expected) {
    ServePolicy policy =
        new ServePolicy(new CacheSettings(1 << 20, swrSeconds, 86_400, 86_400), o -> failing);
    CachedResponse stored = "none".equals(storedCc) ? null : stored(storedCc, validator);
    long now = T0 + (age == null ? 0 : age) * 1000;

    assertThat(policy.decide(directives(requestCc), stored, now, ORIGIN)).isEqualTo(expected);
  }

  @Test
  void aLargeObjectOnDiskIsFetchedAgainInFullNotRevalidated() {
    ServePolicy policy = new ServePolicy(CacheSettings.defaults(1 << 20), o -> false);
    CachedResponse onDisk =
        stored("max-age=60", "etag")
            .withBodyFile(new CachedResponse.BodyFile(Path.of("large.entry"), 100, 10));

    assertThat(policy.decide(RequestDirectives.NONE, onDisk, T0 + 61_000, ORIGIN))
        .isEqualTo(Serve.FILL);
    assertThat(ServePolicy.revalidates(onDisk)).isFalse();
  }

  @Test
  void theOriginIsAskedAboutOnlyForAStaleResponse() {
    int[] asked = {0};
    ServePolicy policy =
        new ServePolicy(
            CacheSettings.defaults(1 << 20),
            o -> {
              asked[0]++;
              return false;
            });
    CachedResponse stored = stored("max-age=60", null);

    assertThat(policy.decide(RequestDirectives.NONE, stored, T0 + 30_000, ORIGIN))
        .isEqualTo(Serve.HIT);
    assertThat(asked[0]).isZero();
    assertThat(policy.decide(RequestDirectives.NONE, stored, T0 + 70_000, ORIGIN))
        .isEqualTo(Serve.FILL);
    assertThat(asked[0]).isEqualTo(1);
  }

  @ParameterizedTest(name = "stored [{0}] stale by {1} s -> stale-if-error {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "max-age=60                    | 10     | true",
        "max-age=60                    | 86400  | true",
        "max-age=60                    | 86401  | false",
        "max-age=60, stale-if-error=20 | 20     | true",
        "max-age=60, stale-if-error=20 | 21     | false",
        "max-age=60, must-revalidate   | 1      | false",
        "no-cache                      | 1      | false",
      })
  void staleIfErrorAfterAFailedFill(String storedCc, long staleBy, boolean expected) {
    ServePolicy policy = new ServePolicy(new CacheSettings(1 << 20, 0, 86_400, 86_400), o -> false);
    CachedResponse stored = stored(storedCc, "etag");
    long now = T0 + (stored.freshnessLifetimeSeconds() + staleBy) * 1000;

    assertThat(policy.staleIfError(stored, now)).isEqualTo(expected);
  }

  private static RequestDirectives directives(String cacheControl) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (cacheControl != null) {
      h.add("Cache-Control", cacheControl);
    }
    return RequestDirectives.of(h);
  }

  /**
   * A 200 received at T0 with {@code cacheControl} and an ETag ({@code etag}) or Last-Modified
   * ({@code lm}).
   */
  private static CachedResponse stored(String cacheControl, String validator) {
    MultiMap h =
        MultiMap.caseInsensitiveMultiMap()
            .add("Date", HttpDates.format(T0))
            .add("Cache-Control", cacheControl);
    if ("etag".equals(validator)) {
      h.add("ETag", "\"v1\"");
    } else if ("lm".equals(validator)) {
      h.add("Last-Modified", HttpDates.format(T0 - 3_600_000));
    }
    MultiMap request = MultiMap.caseInsensitiveMultiMap();
    long lifetime = CachePolicy.storableLifetime(request, 200, h, T0);
    assertThat(lifetime).as("storable").isGreaterThanOrEqualTo(0);
    return CachedResponse.of(200, h, Buffer.buffer("body"), request, T0, T0, lifetime);
  }
}
