package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.DistributionsParser;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Response headers policies, custom error responses and geo restriction of {@code
 * distributions.yaml}, end to end through a real edge and a Vert.x origin on port 0.
 */
class ViewerFeaturesTest extends EdgeHarness {

  private static final String POLICIES =
      """
      responseHeadersPolicies:
        - name: site-headers
          cors: {allowOrigins: ["https://app.example"], allowMethods: [GET], exposeHeaders: [X-Request-Id]}
          securityHeaders:
            strictTransportSecurity: {maxAgeSec: 63072000, includeSubdomains: true}
            frameOptions: {option: DENY, override: false}
          customHeaders: [{name: X-Served-By, value: opencdn}]
          removeHeaders: [X-Powered-By]
          serverTiming: {enabled: true}
      """;

  private String doc(String site, String extra) {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins: [{id: site, url: "%s", attempts: 1, connectTimeoutMillis: 500}]
            behaviors:
              - {path: "/api/*", target: site, responseHeadersPolicy: CORS-With-Preflight}
              - {path: "/site/*", target: site, responseHeadersPolicy: site-headers}
              - {path: "/short/*", target: site, cachePolicy: UseOriginCacheControlHeaders}
              - {path: "*", target: site}
        %s
        """
            .formatted(site, extra.stripIndent().indent(4))
        + POLICIES;
  }

  @Test
  void preflightIsAnsweredAtTheEdge() {
    start();
    edge.activate(DistributionsParser.parse(doc(origin.url(), ""), "d.yaml"));
    Resp r =
        await(
            send(
                HttpMethod.OPTIONS,
                "/api/items",
                HOST,
                null,
                "Origin",
                "https://any.example",
                "Access-Control-Request-Method",
                "PUT",
                "Access-Control-Request-Headers",
                "X-Token"));
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
    assertThat(r.header("Access-Control-Allow-Methods")).contains("PUT", "GET", "DELETE");
    assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("X-Token");
    assertThat(r.header("Access-Control-Max-Age")).isEqualTo("600");
    assertThat(origin.count("/api/items")).isZero();
    origin.content("/api/items", "items");
    assertThat(
            get("/api/items", "Origin", "https://any.example")
                .header("Access-Control-Allow-Origin"))
        .isEqualTo("*");
  }

  @Test
  void policyHeadersOnMissAndHitAndNoneWithoutPolicy() {
    origin.content(
        "/site/a",
        "a",
        "X-Powered-By",
        "php",
        "Strict-Transport-Security",
        "max-age=1",
        "X-Frame-Options",
        "SAMEORIGIN");
    origin.content("/plain", "p", "X-Powered-By", "php");
    start();
    edge.activate(DistributionsParser.parse(doc(origin.url(), ""), "d.yaml"));

    Resp miss = get("/site/a");
    Resp hit = get("/site/a", "Origin", "https://app.example");
    Resp other = get("/site/a", "Origin", "https://evil.example");
    assertThat(miss.header("X-Cache")).startsWith("Miss");
    assertThat(hit.header("X-Cache")).startsWith("Hit");
    for (Resp r : new Resp[] {miss, hit, other}) {
      assertThat(r.body()).isEqualTo("a");
      assertThat(r.header("Strict-Transport-Security"))
          .isEqualTo("max-age=63072000; includeSubDomains");
      assertThat(r.headers().getAll("Strict-Transport-Security")).hasSize(1);
      assertThat(r.header("X-Frame-Options")).isEqualTo("SAMEORIGIN"); // override: false
      assertThat(r.header("X-Served-By")).isEqualTo("opencdn");
      assertThat(r.headers().contains("X-Powered-By")).isFalse();
      assertThat(r.header("Vary")).contains("Origin");
    }
    assertThat(miss.header("Server-Timing")).startsWith("cdn-cache-miss").contains("cdn-edge;dur=");
    assertThat(hit.header("Server-Timing")).startsWith("cdn-cache-hit, cdn-pop;desc=\"test-edge\"");
    assertThat(hit.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
    assertThat(hit.header("Access-Control-Expose-Headers")).isEqualTo("X-Request-Id");
    assertThat(miss.headers().contains("Access-Control-Allow-Origin")).isFalse();
    assertThat(other.headers().contains("Access-Control-Allow-Origin")).isFalse();
    assertThat(origin.count("/site/a")).isEqualTo(1);

    get("/plain");
    Resp plainHit = get("/plain");
    assertThat(plainHit.header("X-Cache")).startsWith("Hit");
    assertThat(plainHit.header("X-Powered-By")).isEqualTo("php");
    assertThat(plainHit.headers().contains("X-Served-By")).isFalse();
    assertThat(plainHit.headers().contains("Server-Timing")).isFalse();
  }

  @Test
  void errorsAreCachedForTheirMinimumTtl() {
    origin.route("/short/missing", req -> req.response().setStatusCode(404).end("no"));
    origin.route("/short/gone", req -> req.response().setStatusCode(410).end("gone"));
    origin.route("/short/busy", req -> req.response().setStatusCode(503).end("busy"));
    start();
    edge.activate(
        DistributionsParser.parse(
            doc(
                origin.url(),
                """
                customErrors:
                  - {status: 404, errorCachingMinTtl: 30}
                  - {status: 503, errorCachingMinTtl: 5}
                """),
            "d.yaml"));
    assertThat(get("/short/missing").status()).isEqualTo(404);
    Resp again = get("/short/missing");
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.header("X-Cache")).startsWith("Hit");
    assertThat(origin.count("/short/missing")).isEqualTo(1);
    get("/short/gone");
    get("/short/gone");
    assertThat(origin.count("/short/gone")).isEqualTo(2); // no custom error: TTL 0, not stored
    get("/short/busy");
    assertThat(get("/short/busy").status()).isEqualTo(503);
    assertThat(origin.count("/short/busy")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    get("/short/missing");
    assertThat(origin.count("/short/missing")).isEqualTo(2);
  }

  @Test
  void originDownGetsTheCustomPageWithItsStatus() {
    TestOrigin pages = new TestOrigin(vertx);
    try {
      pages.content("/errors/down.html", "<h1>back soon</h1>", "Content-Type", "text/html");
      origin.close();
      start();
      String d =
          """
          distributions:
            - id: www
              hosts: [www.cdn.test]
              origins:
                - {id: site, url: "%s", attempts: 1, connectTimeoutMillis: 300}
                - {id: pages, url: "%s"}
              behaviors:
                - {path: "/errors/*", target: pages}
                - {path: "*", target: site, responseHeadersPolicy: SecurityHeadersPolicy}
              customErrors:
                - {status: 502, errorCachingMinTtl: 0, page: /errors/down.html, responseCode: 503}
                - {status: 504, errorCachingMinTtl: 0, page: /errors/down.html, responseCode: 503}
          """
              .formatted(origin.url(), pages.url());
      edge.activate(DistributionsParser.parse(d, "d.yaml"));
      for (int i = 0; i < 3; i++) {
        Resp r = get("/index.html");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("<h1>back soon</h1>");
        assertThat(r.header("Content-Type")).isEqualTo("text/html");
        assertThat(r.header("X-Cache")).startsWith("Error from test-edge");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
      }
      assertThat(pages.count("/errors/down.html")).isEqualTo(1); // the page itself is cached
    } finally {
      pages.close();
    }
  }

  @Test
  void anOriginErrorGetsItsPageOnMissAndHit() {
    origin.route("/missing", req -> req.response().setStatusCode(404).end("raw 404"));
    origin.content("/errors/404.html", "friendly 404", "Content-Type", "text/html");
    start();
    edge.activate(
        DistributionsParser.parse(
            doc(
                origin.url(),
                """
                customErrors:
                  - {status: 404, errorCachingMinTtl: 60, page: /errors/404.html, responseCode: 200}
                """),
            "d.yaml"));
    for (int i = 0; i < 3; i++) {
      Resp r = get("/missing");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("friendly 404");
      assertThat(r.header("X-Cache")).startsWith("Error from");
    }
    assertThat(origin.count("/missing")).isEqualTo(1);
    assertThat(origin.count("/errors/404.html")).isEqualTo(1);
    Resp page = get("/errors/404.html");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("X-Cache")).startsWith("Hit");
  }

  @Test
  void geoBlockUsesForwardedForOnlyFromTrustedProxies() {
    origin.content("/geo", "served");
    origin.content("/errors/403.html", "not in your country");
    start();
    String geo =
        """
        geoRestriction: {type: block, countries: [GB], trustForwardedFrom: [127.0.0.0/8]}
        customErrors:
          - {status: 403, page: /errors/403.html, responseCode: 403}
        """;
    edge.activate(DistributionsParser.parse(doc(origin.url(), geo), "d.yaml"));
    Resp gb = get("/geo", "X-Forwarded-For", "81.2.69.142");
    assertThat(gb.status()).isEqualTo(403);
    assertThat(gb.body()).isEqualTo("not in your country");
    Resp jp = get("/geo", "X-Forwarded-For", "1.0.16.1");
    assertThat(jp.status()).isEqualTo(200);
    assertThat(jp.body()).isEqualTo("served");
    assertThat(get("/geo").status()).isEqualTo(200); // loopback: no country, a block list serves it

    String untrusted = geo.replace("127.0.0.0/8", "10.0.0.0/8");
    edge.activate(DistributionsParser.parse(doc(origin.url(), untrusted), "d.yaml"));
    assertThat(get("/geo", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);

    String allow =
        untrusted.replace("type: block", "type: allow").replace("10.0.0.0/8", "127.0.0.1/32");
    edge.activate(DistributionsParser.parse(doc(origin.url(), allow), "d.yaml"));
    assertThat(get("/geo", "X-Forwarded-For", "81.2.69.142").status()).isEqualTo(200);
    assertThat(get("/geo").status()).isEqualTo(403); // allow list: no country is refused
  }
}
