package io.opencdn.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9111 storage and freshness decisions, one row per case. */
class CachePolicyTest {

  static final long NOW = HttpDates.parse("Thu, 01 Jan 2026 00:00:00 GMT");

  /** Headers written {@code Name: value; Name: value}. */
  static MultiMap headers(String spec) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    if (spec != null) {
      for (String pair : spec.split(";")) {
        int colon = pair.indexOf(':');
        m.add(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
      }
    }
    return m;
  }

  @ParameterizedTest(name = "{0} | {1} | {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // request headers | status | response headers | lifetime (-1: not stored)
        "- | 200 | Cache-Control: max-age=60 | 60",
        "- | 200 | Cache-Control: max-age=60, s-maxage=5 | 5",
        "- | 200 | Cache-Control: s-maxage=0, max-age=60 | -1",
        "- | 200 | Cache-Control: MAX-AGE=\"30\" | 30",
        "- | 200 | Cache-Control: max-age=abc | -1",
        "- | 404 | Cache-Control: max-age=60 | 60",
        "- | 301 | Cache-Control: max-age=60 | 60",
        "- | 302 | Cache-Control: max-age=60 | -1",
        "- | 500 | Cache-Control: max-age=60 | -1",
        "- | 206 | Cache-Control: max-age=60 | -1",
        "- | 200 | - | -1",
        "- | 200 | Cache-Control: no-store, max-age=60 | -1",
        "- | 200 | Cache-Control: private, max-age=60 | -1",
        "- | 200 | Cache-Control: no-cache, max-age=60 | -1",
        "- | 200 | Cache-Control: max-age=60; Set-Cookie: a=1 | -1",
        "- | 200 | Cache-Control: max-age=60; Vary: * | -1",
        "- | 200 | Cache-Control: max-age=60; Vary: Accept-Encoding | 60",
        "Cache-Control: no-store | 200 | Cache-Control: max-age=60 | -1",
        "Authorization: Bearer x | 200 | Cache-Control: max-age=60 | -1",
        "Authorization: Bearer x | 200 | Cache-Control: public, max-age=60 | 60",
        "Authorization: Bearer x | 200 | Cache-Control: s-maxage=60 | 60",
        "- | 200 | Date: Thu, 01 Jan 2026 00:00:00 GMT; Expires: Thu, 01 Jan 2026 00:02:00 GMT | 120",
        "- | 200 | Expires: Thu, 01 Jan 2026 00:01:00 GMT | 60",
        "- | 200 | Expires: 0 | -1",
        "- | 200 | Cache-Control: max-age=30; Expires: Thu, 01 Jan 2026 00:02:00 GMT | 30",
        // lifetime 0 is stored only with a validator, to be revalidated
        "- | 200 | Cache-Control: no-cache, max-age=60; ETag: \"a\" | 0",
        "- | 200 | Cache-Control: max-age=0; Last-Modified: Wed, 31 Dec 2025 00:00:00 GMT | 0",
        // heuristic freshness: 10% of Date - Last-Modified, capped at one day
        "- | 200 | Date: Thu, 01 Jan 2026 00:00:00 GMT; Last-Modified: Wed, 31 Dec 2025 23:50:00 GMT | 60",
        "- | 404 | Last-Modified: Wed, 31 Dec 2025 23:50:00 GMT | 60",
        "- | 200 | Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT | 86400",
        "- | 302 | Last-Modified: Wed, 31 Dec 2025 23:50:00 GMT | -1",
        "Authorization: Bearer x | 200 | Cache-Control: must-revalidate, max-age=60 | 60",
        // CDN-Cache-Control / Surrogate-Control replace Cache-Control and Expires for this tier
        "- | 200 | Cache-Control: no-store; CDN-Cache-Control: max-age=30 | 30",
        "- | 200 | Cache-Control: max-age=60; CDN-Cache-Control: no-store | -1",
        "- | 200 | Cache-Control: max-age=60; Surrogate-Control: max-age=5 | 5",
        "- | 200 | CDN-Cache-Control: max-age=7; Expires: Thu, 01 Jan 2026 00:02:00 GMT | 7",
      })
  void storableLifetime(String request, int status, String response, long expected) {
    assertThat(CachePolicy.storableLifetime(headers(request), status, headers(response), NOW))
        .isEqualTo(expected);
  }
}
