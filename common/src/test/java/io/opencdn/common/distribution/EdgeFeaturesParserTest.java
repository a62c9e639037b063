package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeFeaturesParserTest {

  static final String VALID =
      """
      distributions:
        - id: www
          hosts: [www.cdn.test]
          origins: [{id: site, url: "http://127.0.0.1:9090"}]
          behaviors:
            - {path: "/api/*", target: site, responseHeadersPolicy: CORS-With-Preflight}
            - {path: "/app/*", target: site, responseHeadersPolicy: site-headers}
            - {path: "*", target: site, responseHeadersPolicy: SecurityHeadersPolicy}
          customErrors:
            - {status: 404, errorCachingMinTtl: 30, page: /errors/404.html, responseCode: 404}
            - {status: 503, page: /errors/down.html, responseCode: 200}
            - {status: 500, errorCachingMinTtl: 0}
          geoRestriction: {type: block, countries: [kp, GB], trustForwardedFrom: [127.0.0.0/8, "::1"]}
      responseHeadersPolicies:
        - name: site-headers
          cors: {allowOrigins: ["https://app.example"], allowMethods: [GET, POST], allowHeaders: [X-Token],
                 exposeHeaders: [X-Request-Id], allowCredentials: true, maxAgeSec: 600, preflight: edge}
          securityHeaders:
            strictTransportSecurity: {maxAgeSec: 63072000, includeSubdomains: true, preload: true}
            contentTypeOptions: {override: false}
            frameOptions: {option: DENY}
            referrerPolicy: {policy: no-referrer}
            contentSecurityPolicy: {policy: "default-src 'self'", override: false}
          customHeaders: [{name: X-Served-By, value: opencdn, override: true}]
          removeHeaders: [X-Powered-By, Server]
          serverTiming: {enabled: true, samplingRate: 50}
      """;

  @Test
  void readsPoliciesErrorsAndGeo() {
    DistributionsDocument doc = DistributionsParser.parse(VALID, "d.yaml");
    Distribution d = doc.forHost("www.cdn.test");
    assertThat(d.behaviorFor("/api/x").responseHeadersPolicy())
        .isSameAs(ResponseHeadersPolicy.BUILT_IN.get("CORS-With-Preflight"));
    assertThat(d.behaviorFor("/x").responseHeadersPolicy().headers())
        .isEqualTo(ResponseHeadersPolicy.SECURITY_HEADERS);
    ResponseHeadersPolicy p = d.behaviorFor("/app/a").responseHeadersPolicy();
    assertThat(doc.responseHeadersPolicies()).containsEntry("site-headers", p);
    assertThat(p.cors().allowOrigins()).containsExactly("https://app.example");
    assertThat(p.cors().allowCredentials()).isTrue();
    assertThat(p.cors().preflightAtEdge()).isTrue();
    assertThat(p.cors().originOverride()).isTrue();
    assertThat(p.headers())
        .containsExactly(
            new ResponseHeadersPolicy.HeaderRule(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload", true),
            new ResponseHeadersPolicy.HeaderRule("X-Content-Type-Options", "nosniff", false),
            new ResponseHeadersPolicy.HeaderRule("X-Frame-Options", "DENY", true),
            new ResponseHeadersPolicy.HeaderRule("Referrer-Policy", "no-referrer", true),
            new ResponseHeadersPolicy.HeaderRule(
                "Content-Security-Policy", "default-src 'self'", false),
            new ResponseHeadersPolicy.HeaderRule("X-Served-By", "opencdn", true));
    assertThat(p.remove()).containsExactly("X-Powered-By", "Server");
    assertThat(p.serverTiming()).isEqualTo(50);
    assertThat(d.customError(404)).isEqualTo(new CustomError(404, 30, "/errors/404.html", 404, 10));
    assertThat(d.customError(503).errorCachingMinTtl()).isEqualTo(CustomError.DEFAULT_MIN_TTL);
    assertThat(d.customError(503).viewerStatus()).isEqualTo(200);
    assertThat(d.customError(500).page()).isNull();
    assertThat(d.customError(500).viewerStatus()).isEqualTo(500);
    assertThat(d.customError(403)).isNull();
    GeoRestriction g = d.geoRestriction();
    assertThat(g.allow()).isFalse();
    assertThat(g.countries()).containsExactlyInAnyOrder("KP", "GB");
    assertThat(g.admits("GB")).isFalse();
    assertThat(g.admits("FR")).isTrue();
    assertThat(g.admits(null)).isTrue();
    assertThat(g.trusts(InetAddress.getLoopbackAddress())).isTrue();
  }

  @Test
  void withoutTheKeysNothingChanges() {
    DistributionsDocument doc = DistributionsParser.parse(DistributionsParserTest.VALID, "d.yaml");
    Distribution d = doc.forHost("www.cdn.test");
    assertThat(d.customErrors()).isEmpty();
    assertThat(d.geoRestriction()).isNull();
    assertThat(d.behaviors()).allSatisfy(b -> assertThat(b.responseHeadersPolicy()).isNull());
    assertThat(doc.responseHeadersPolicies()).isEmpty();
  }

  @Test
  void reportsBadValuesWithFileLineAndKey() {
    String bad =
        """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins: [{id: site, url: "http://127.0.0.1:9090"}]
            behaviors:
              - {path: "/a/*", target: site, responseHeadersPolicy: NoSuchPolicy}
              - {path: "*", target: site}
            customErrors:
              - {status: 418}
              - {status: 404, responseCode: 200}
              - {status: 503, page: errors/down.html, errorCachingMinTtl: -1}
            geoRestriction: {type: deny, countries: [ZZ], trustForwardedFrom: [10.0.0.0/33]}
        responseHeadersPolicies:
          - name: p
            cors: {allowOrigins: ["*"], allowCredentials: true, allowMethods: [FETCH], preflight: maybe}
            securityHeaders: {frameOptions: {option: ALLOW}, referrerPolicy: {policy: never}, xss: {}}
            customHeaders: [{name: "Bad Name", value: x}]
            removeHeaders: [Content-Length]
            serverTiming: {enabled: true, samplingRate: 101}
          - {name: SimpleCORS}
        """;
    assertThatThrownBy(() -> DistributionsParser.parse(bad, "bad.yaml"))
        .isInstanceOf(Problems.DocumentException.class)
        .satisfies(
            e -> {
              List<String> p = ((Problems.DocumentException) e).problems();
              assertThat(p)
                  .contains(
                      "bad.yaml:6: key 'distributions[0].behaviors[0].responseHeadersPolicy': a"
                          + " built-in [CORS-With-Preflight, CORS-and-SecurityHeadersPolicy,"
                          + " CORS-with-preflight-and-SecurityHeadersPolicy, SecurityHeadersPolicy,"
                          + " SimpleCORS] or defined response headers policy [p], got"
                          + " 'NoSuchPolicy'",
                      "bad.yaml:9: key 'distributions[0].customErrors[0].status': one of [400, 403,"
                          + " 404, 405, 414, 416, 500, 501, 502, 503, 504], got '418'",
                      "bad.yaml:10: key 'distributions[0].customErrors[1].responseCode': a page to"
                          + " send with it (CloudFront's rule), got no page",
                      "bad.yaml:11: key 'distributions[0].customErrors[2].page': a path starting"
                          + " with / without ? or #, got 'errors/down.html'",
                      "bad.yaml:11: key 'distributions[0].customErrors[2].errorCachingMinTtl':"
                          + " expected a whole number 0..31536000, got '-1'",
                      "bad.yaml:12: key 'distributions[0].geoRestriction.type': allow or block,"
                          + " got 'deny'",
                      "bad.yaml:12: key 'distributions[0].geoRestriction.countries[0]': an ISO"
                          + " 3166-1 alpha-2 country code (GB, US, KP...), got 'ZZ'",
                      "bad.yaml:12: key 'distributions[0].geoRestriction.trustForwardedFrom[0]': a"
                          + " network address/prefix (10.0.0.0/8, 2001:db8::/32), got"
                          + " '10.0.0.0/33'",
                      "bad.yaml:15: key 'responseHeadersPolicies[0].cors.allowCredentials': false"
                          + " with allowOrigins \"*\" (browsers refuse credentials for any origin),"
                          + " got true",
                      "bad.yaml:15: key 'responseHeadersPolicies[0].cors.allowMethods[0]': ALL or"
                          + " one of [DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT], got 'FETCH'",
                      "bad.yaml:15: key 'responseHeadersPolicies[0].cors.preflight': edge (OPTIONS"
                          + " preflights answered by the edge) or origin, got 'maybe'",
                      "bad.yaml:16: key 'responseHeadersPolicies[0].securityHeaders.frameOptions.option':"
                          + " DENY or SAMEORIGIN, got 'ALLOW'",
                      "bad.yaml:17: key 'responseHeadersPolicies[0].customHeaders[0].name': a"
                          + " header name, got 'Bad Name'",
                      "bad.yaml:19: key 'responseHeadersPolicies[0].serverTiming.samplingRate':"
                          + " expected a whole number 0..100, got '101'",
                      "bad.yaml:20: key 'responseHeadersPolicies[1].name': a name not used by a"
                          + " built-in or another policy, got 'SimpleCORS'");
              assertThat(p)
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith(
                                  "bad.yaml:18: key 'responseHeadersPolicies[0].removeHeaders[0]':"));
              assertThat(p)
                  .anySatisfy(
                      s ->
                          assertThat(s)
                              .startsWith(
                                  "bad.yaml:16: key"
                                      + " 'responseHeadersPolicies[0].securityHeaders.referrerPolicy.policy':"));
            });
  }

  @Test
  void clientIsThePeerUnlessAProxyIsTrusted() throws Exception {
    GeoRestriction g =
        new GeoRestriction(
            true, java.util.Set.of("GB"), List.of(GeoRestriction.Cidr.parse("10.0.0.0/8")));
    InetAddress proxy = InetAddress.getByName("10.1.2.3");
    InetAddress other = InetAddress.getByName("192.0.2.7");
    assertThat(g.client(other, List.of("81.2.69.142"))).isEqualTo(other);
    assertThat(g.client(proxy, List.of("81.2.69.142")))
        .isEqualTo(InetAddress.getByName("81.2.69.142"));
    assertThat(g.client(proxy, List.of("1.1.1.1, 81.2.69.142, 10.9.9.9")))
        .isEqualTo(InetAddress.getByName("81.2.69.142"));
    assertThat(g.client(proxy, List.of("not-an-address"))).isEqualTo(proxy);
    assertThat(g.client(proxy, List.of())).isEqualTo(proxy);
    assertThat(g.admits(null)).isFalse();
    assertThat(
            GeoRestriction.Cidr.parse("2001:db8::1/32")
                .contains(InetAddress.getByName("2001:db8:ffff::1")))
        .isTrue();
    assertThat(GeoRestriction.Cidr.parse("2001:db8::/32").contains(proxy)).isFalse();
    assertThat(GeoRestriction.Cidr.parse("example.com")).isNull();
  }
}
