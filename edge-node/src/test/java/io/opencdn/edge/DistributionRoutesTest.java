package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.DistributionsParser;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/**
 * A {@code distributions.yaml} version activated on a running edge: behaviors by path, cache
 * policies (TTL, query strings in the key), origin request policies, origin group failover, and the
 * switch from one version to the next.
 */
class DistributionRoutesTest extends EdgeHarness {

  private String doc(String primary, String standby, String api) {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "%s", headers: {X-Origin-Secret: abc}}
              - {id: standby, url: "%s", attempts: 1}
              - {id: api, url: "%s", pathPrefix: /v2, hostHeader: api.internal}
            originGroups:
              - {id: ha, members: [site, standby]}
            behaviors:
              - {path: "/api/*", target: api, cachePolicy: CachingDisabled, originRequestPolicy: AllViewer,
                 allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]}
              - {path: "/static/*", target: ha, cachePolicy: ignore-utm}
              - {path: "*", target: ha, cachePolicy: CachingOptimized}
        cachePolicies:
          - {name: ignore-utm, minTtl: 0, defaultTtl: 600, maxTtl: 3600, queryStrings: {deny: [utm_source]}}
        """
        .formatted(primary, standby, api);
  }

  @Test
  void behaviorsPickOriginPolicyAndKey() {
    TestOrigin api = new TestOrigin(vertx);
    TestOrigin standby = new TestOrigin(vertx);
    try {
      origin.content("/static/app.js", "js");
      origin.content("/page", "page", "Cache-Control", "no-store");
      api.content("/v2/api/users", "users");
      start();
      edge.activate(
          DistributionsParser.parse(doc(origin.url(), standby.url(), api.url()), "d.yaml"));

      for (int i = 0; i < 10; i++) {
        Resp r = get("/static/app.js?v=1&utm_source=" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("js");
      }
      assertThat(origin.count("/static/app.js")).isEqualTo(1);
      assertThat(origin.lastHeaders().get("X-Origin-Secret")).isEqualTo("abc");
      assertThat(get("/static/app.js?v=2").header("X-Cache")).startsWith("Miss");

      // CachingOptimized: no-store from the origin is cached for minTtl (1 s) as CloudFront does
      get("/page");
      assertThat(get("/page").header("X-Cache")).startsWith("Hit");

      // CachingDisabled: every request reaches the api origin, with its path prefix and Host
      for (int i = 0; i < 3; i++) {
        assertThat(get("/api/users", "Cookie", "sid=1").body()).isEqualTo("users");
      }
      assertThat(api.count("/v2/api/users")).isEqualTo(3);
      assertThat(api.lastHeaders().get("Host")).isEqualTo("api.internal");
      assertThat(api.lastHeaders().get("Cookie")).isEqualTo("sid=1");
      assertThat(await(send(HttpMethod.DELETE, "/static/app.js", HOST, null)).status())
          .isEqualTo(403);
    } finally {
      api.close();
      standby.close();
    }
  }

  @Test
  void aGroupFailsOverPerRequest() {
    TestOrigin standby = new TestOrigin(vertx);
    TestOrigin api = new TestOrigin(vertx);
    try {
      origin.route("/x", req -> req.response().setStatusCode(503).end("down"));
      standby.content("/x", "from standby", "Cache-Control", "no-store");
      start();
      edge.activate(
          DistributionsParser.parse(doc(origin.url(), standby.url(), api.url()), "d.yaml"));
      Resp r = get("/x");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("from standby");
      String closed = origin.url();
      origin.close();
      standby.content("/y", "y");
      edge.activate(DistributionsParser.parse(doc(closed, standby.url(), api.url()), "d.yaml"));
      assertThat(get("/y").body()).isEqualTo("y");
    } finally {
      standby.close();
      api.close();
    }
  }

  @Test
  void aNewVersionAppliesToTheNextRequest() {
    TestOrigin api = new TestOrigin(vertx);
    try {
      origin.content("/api/v", "site");
      api.content("/v2/api/v", "api");
      start();
      assertThat(edge.distributions().version()).isEqualTo("local");
      assertThat(get("/api/v").body()).isEqualTo("site");
      edge.activate(
          DistributionsParser.parse(doc(origin.url(), origin.url(), api.url()), "d.yaml"));
      assertThat(edge.distributions().version()).hasSize(12);
      assertThat(get("/api/v").body()).isEqualTo("api");
    } finally {
      api.close();
    }
  }
}
