package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.DistributionsParser;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;

/**
 * {@code viewerProtocol} through an edge with its HTTPS listener: plain HTTP is redirected to the
 * listener's port (301, 307 for other methods) or refused (403) before the cache, HTTPS is served
 * (miss, then hit), and allow-all behaviors take both; a signed URL's resource names the https
 * scheme it came in with.
 */
class ViewerProtocolEdgeTest extends EdgeHarness {

  static final KeyPair KEY = generate();

  static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  String doc() {
    String pem =
        "-----BEGIN PUBLIC KEY-----\\n"
            + Base64.getEncoder().encodeToString(KEY.getPublic().getEncoded())
            + "\\n-----END PUBLIC KEY-----";
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "%s"}
            behaviors:
              - {path: "/secure/*", target: site, viewerProtocol: redirect-to-https,
                 allowedMethods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]}
              - {path: "/only/*", target: site, viewerProtocol: https-only}
              - {path: "/signed/*", target: site, viewerProtocol: https-only, trustedKeyGroups: [kg1]}
              - {path: "*", target: site}
        keyGroups:
          - {id: kg1, keys: [{id: K2JCJMDEHXQW5F, publicKey: "%s"}]}
        """
        .formatted(origin.url(), pem);
  }

  record Reply(int status, String location, String xCache, String body) {}

  Reply https(String path) {
    HttpClientAgent c =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setProtocolVersion(HttpVersion.HTTP_1_1));
    try {
      return await(
          c.request(
                  new RequestOptions()
                      .setServer(SocketAddress.inetSocketAddress(edge.tlsPort(), "127.0.0.1"))
                      .setHost(HOST)
                      .setPort(edge.tlsPort())
                      .setURI(path))
              .compose(
                  req ->
                      req.send()
                          .compose(
                              res ->
                                  res.body()
                                      .map(
                                          b ->
                                              new Reply(
                                                  res.statusCode(),
                                                  res.getHeader("Location"),
                                                  res.getHeader("X-Cache"),
                                                  b.toString())))));
    } finally {
      await(c.close());
    }
  }

  @Test
  void plainHttpIsRedirectedOrRefusedAndHttpsServed() {
    origin.content("/secure/page", "secure", "Cache-Control", "max-age=60");
    origin.content("/only/page", "only", "Cache-Control", "max-age=60");
    origin.content("/open", "open", "Cache-Control", "max-age=60");
    start(testEdgeWithTls().build());
    edge.activate(DistributionsParser.parse(doc(), "d.yaml"));
    int port = edge.tlsPort();

    Resp redirect = get("/secure/page?a=1&b=2");
    assertThat(redirect.status()).isEqualTo(301);
    assertThat(redirect.header("Location"))
        .isEqualTo("https://www.cdn.test:" + port + "/secure/page?a=1&b=2");
    assertThat(redirect.header("X-Cache")).isNull();
    Resp post = await(send(HttpMethod.POST, "/secure/form", HOST, null));
    assertThat(post.status()).isEqualTo(307);
    assertThat(post.header("Location")).isEqualTo("https://www.cdn.test:" + port + "/secure/form");

    Reply first = https("/secure/page?a=1&b=2");
    Reply second = https("/secure/page?a=1&b=2");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("secure");
    assertThat(first.xCache()).startsWith("Miss");
    assertThat(second.xCache()).startsWith("Hit");
    // the object is cached now: plain HTTP still gets the redirect, not the hit
    assertThat(get("/secure/page?a=1&b=2").status()).isEqualTo(301);

    Resp refused = get("/only/page");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body()).contains("https only");
    assertThat(https("/only/page").body()).isEqualTo("only");
    assertThat(origin.count("/only/page")).isEqualTo(1);

    assertThat(get("/open").body()).isEqualTo("open");
    assertThat(https("/open").xCache()).startsWith("Hit");
  }

  @Test
  void aSignedUrlNamesTheHttpsSchemeAndHostItCameIn() {
    origin.content("/signed/f", "signed", "Cache-Control", "max-age=60");
    start(testEdgeWithTls().build());
    edge.activate(DistributionsParser.parse(doc(), "d.yaml"));
    String base = "https://www.cdn.test:" + edge.tlsPort();
    String url =
        CloudFrontUtilities.create()
            .getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(base + "/signed/f")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(clock.instant().plusSeconds(60)))
            .url();
    String target = url.substring(base.length());
    assertThat(https(target).status()).isEqualTo(200);
    assertThat(https(target).xCache()).startsWith("Hit");
    assertThat(get(target).status()).isEqualTo(403); // https-only before the signature
    assertThat(https("/signed/f").status()).isEqualTo(403);
    // signed for http: the scheme is part of the resource
    String plain =
        CloudFrontUtilities.create()
            .getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl("http://www.cdn.test:" + edge.tlsPort() + "/signed/f")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(clock.instant().plusSeconds(60)))
            .url();
    Reply wrongScheme = https(plain.substring(plain.indexOf("/signed/")));
    assertThat(wrongScheme.status()).isEqualTo(403);
    assertThat(wrongScheme.body()).contains("does not match");
  }
}
