package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestExplainerTest {

  static final DistributionsDocument DOC =
      DistributionsParser.parse(DistributionsParserTest.VALID, "d.yaml");

  @Test
  void namesBehaviorKeyTargetForwardedAndTtl() {
    String text =
        String.join(
            "\n",
            RequestExplainer.explain(
                DOC, "http://www.cdn.test/static/app.js?v=3&utm_source=mail", Map.of()));
    assertThat(text)
        .contains("distribution: www (hosts www.cdn.test, cdn.test)")
        .contains("behavior:     #2 of 3, path \"/static/*\" (line 13)")
        .contains("cache key:    www.cdn.test/static/app.js?v=3 ")
        .contains(
            "origin group site-ha: site http://127.0.0.1:9090, then site-standby http://127.0.0.1:9092")
        .contains("next member on status 500 502 503 504")
        .contains("to site:      GET /v1/static/app.js?v=3, Host 127.0.0.1:9090 (origin's own)")
        .contains("forwarded:    only the cache key's values")
        .contains(
            "ttl:          origin's s-maxage/max-age/Expires clamped to 0..31536000 s; without one 86400 s");
  }

  @Test
  void explainsAnUncachedBehaviorAndAnUnknownHost() {
    String api =
        String.join(
            "\n", RequestExplainer.explain(DOC, "http://cdn.test/api/users?id=1", Map.of()));
    assertThat(api)
        .contains("cache key:    none: the cache is bypassed")
        .contains("to api:       GET /api/users?id=1, Host api.internal (origin's hostHeader)")
        .contains("ttl:          never cached (maxTtl 0)");
    assertThat(RequestExplainer.explain(DOC, "http://other.test/", Map.of()))
        .anyMatch(l -> l.contains("none serves host 'other.test'"));
  }
}
