package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionsParserTest {

  static final String VALID =
      """
      distributions:
        - id: www
          hosts: [www.cdn.test, CDN.test.]
          origins:
            - {id: site, url: "http://127.0.0.1:9090", headers: {X-Origin-Key: s3cret}, pathPrefix: /v1}
            - {id: site-standby, url: "http://127.0.0.1:9092", connectTimeoutMillis: 500, attempts: 1}
            - {id: api, url: "http://127.0.0.1:9091", hostHeader: api.internal}
          originGroups:
            - {id: site-ha, members: [site, site-standby]}
          behaviors:
            - {path: "/api/*", target: api, cachePolicy: CachingDisabled, originRequestPolicy: AllViewer,
               allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]}
            - {path: "/static/*", target: site-ha, cachePolicy: ignore-utm}
            - {path: "*", target: site-ha}
      cachePolicies:
        - {name: ignore-utm, minTtl: 0, defaultTtl: 86400, maxTtl: 31536000,
           queryStrings: {deny: [utm_source, utm_medium]}, headers: none, cookies: none}
      """;

  @Test
  void readsTheContractShape() {
    DistributionsDocument doc = DistributionsParser.parse(VALID, "d.yaml");
    Distribution d = doc.forHost("cdn.test");
    assertThat(d.id()).isEqualTo("www");
    assertThat(doc.forHost("www.cdn.test")).isSameAs(d);
    assertThat(doc.forHost("other.test")).isNull();
    assertThat(d.behaviorFor("/api/users").target()).isEqualTo("api");
    assertThat(d.behaviorFor("/api/users").cachePolicy()).isEqualTo(CachePolicy.CACHING_DISABLED);
    assertThat(d.behaviorFor("/static/a.css").cachePolicy().name()).isEqualTo("ignore-utm");
    assertThat(d.behaviorFor("/index.html").cachePolicy()).isEqualTo(CachePolicy.CACHING_OPTIMIZED);
    assertThat(d.failoverOrder("site-ha"))
        .extracting(OriginSpec::id)
        .containsExactly("site", "site-standby");
    assertThat(d.failoverOn("site-ha")).containsExactlyInAnyOrder(500, 502, 503, 504);
    assertThat(d.origin("site").headers()).containsEntry("X-Origin-Key", "s3cret");
    assertThat(d.origin("site-standby").attempts()).isEqualTo(1);
    assertThat(d.origin("site").attempts()).isEqualTo(3);
    assertThat(doc.hash()).hasSize(12).isEqualTo(DistributionsDocument.hashOf(VALID));
  }

  @Test
  void reportsEveryMistakeWithLineAndKey() {
    String bad =
        """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "ftp://x"}
              - {id: api, url: "http://127.0.0.1:9091", attempts: 9}
            originGroups:
              - {id: ha, members: [site, nowhere], failoverOn: [200]}
            behaviors:
              - {path: "/api/*", target: apii, cachePolicy: NoSuchPolicy}
              - {path: "*", target: api}
              - {path: "/late/*", target: api}
          - id: other
            hosts: [www.cdn.test]
            origins: [{id: o, url: "http://127.0.0.1:1"}]
            behaviors: [{path: "/x", target: o}]
            colour: blue
        cachePolicies:
          - {name: p, minTtl: 10, defaultTtl: 5, maxTtl: 100}
        """;
    assertThatThrownBy(() -> DistributionsParser.parse(bad, "bad.yaml"))
        .isInstanceOf(Problems.DocumentException.class)
        .satisfies(
            e -> {
              List<String> p = ((Problems.DocumentException) e).problems();
              assertThat(p)
                  .contains(
                      "bad.yaml:5: key 'distributions[0].origins[0].url': http://host[:port] or https://host[:port] without path, got 'ftp://x'",
                      "bad.yaml:17: key 'distributions[1].colour': unknown key; known keys are "
                          + p.get(0).substring(0, 0)
                          + knownDist(p));
              assertThat(String.join("\n", p))
                  .contains(
                      "bad.yaml:6: key 'distributions[0].origins[1].attempts': expected a whole number 1..3, got '9'")
                  .contains("bad.yaml:8: key 'distributions[0].originGroups[0].members[1]'")
                  .contains(
                      "bad.yaml:8: key 'distributions[0].originGroups[0].failoverOn[0]': an HTTP status 400..599, got '200'")
                  .contains("bad.yaml:10: key 'distributions[0].behaviors[0].target'")
                  .contains("bad.yaml:10: key 'distributions[0].behaviors[0].cachePolicy'")
                  .contains(
                      "bad.yaml:12: key 'distributions[0].behaviors[2].path': a behavior some request can reach")
                  .contains(
                      "bad.yaml:14: key 'distributions[1].hosts': hosts no other distribution serves, got 'www.cdn.test'")
                  .contains(
                      "bad.yaml:16: key 'distributions[1].behaviors[0].path': the last behavior to be the default")
                  .contains(
                      "bad.yaml:19: key 'cachePolicies[0]': minTtl <= defaultTtl <= maxTtl, got 10, 5, 100");
            });
  }

  private static String knownDist(List<String> p) {
    return p.stream()
        .filter(s -> s.contains("colour"))
        .findFirst()
        .orElse("")
        .replaceFirst(".*known keys are ", "");
  }

  @Test
  void refusesYamlThatDoesNotParse() {
    assertThatThrownBy(() -> DistributionsParser.parse("distributions: [\n", "x.yaml"))
        .hasMessageStartingWith("x.yaml:")
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> DistributionsParser.parse("", "x.yaml")).hasMessageContaining("empty");
  }

  @Test
  void theImplicitDistributionSendsEverythingToItsOrigin() {
    Distribution d =
        DistributionsParser.implicit("standalone", "*", "http://127.0.0.1:9090", false);
    assertThat(d.behaviorFor("/anything").target()).isEqualTo("origin");
    assertThat(d.behaviorFor("/anything").cachePolicy()).isNull();
    assertThat(d.failoverOrder("origin"))
        .extracting(OriginSpec::url)
        .containsExactly("http://127.0.0.1:9090");
  }
}
