package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.distribution.DistributionsParser;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.cookie.CookiesForCustomPolicy;

/**
 * Signed URLs and signed cookies through a real edge, signed by an independent implementation (the
 * AWS SDK for Java's {@link CloudFrontUtilities}) and by hand: valid requests are served (miss,
 * then hit under another signature), every bad one gets 403 before the cache is looked up, and the
 * signing parameters and cookies reach neither the cache key nor the origin.
 */
class SignedUrlEdgeTest extends EdgeHarness {

  static final KeyPair KEY = generate();
  static final KeyPair OTHER = generate();
  static final CloudFrontUtilities SDK = CloudFrontUtilities.create();
  static final String SITE = "http://" + HOST;

  final List<String> originTargets = new CopyOnWriteArrayList<>();

  static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(PublicKey k) {
    return "-----BEGIN PUBLIC KEY-----\\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(k.getEncoded())
            .replace("\n", "\\n")
        + "\\n-----END PUBLIC KEY-----";
  }

  String doc(boolean signed) {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "%s"}
            behaviors:
              - {path: "/private/*", target: site, cachePolicy: UseOriginCacheControlHeaders-QueryStrings
                 %s}
              - {path: "/hls/*", target: site, originRequestPolicy: AllViewer %s}
              - {path: "/other/*", target: site, trustedKeyGroups: [kg2]}
              - {path: "*", target: site}
        keyGroups:
          - {id: kg1, keys: [{id: K2JCJMDEHXQW5F, publicKey: "%s"}]}
          - {id: kg2, keys: [{id: KOTHER, publicKey: "%s"}]}
        """
        .formatted(
            origin.url(),
            signed ? ", trustedKeyGroups: [kg1]" : "",
            signed ? ", trustedKeyGroups: [kg1]" : "",
            pem(KEY.getPublic()),
            pem(OTHER.getPublic()));
  }

  void serve(String path, String body, String... headers) {
    origin.route(
        path,
        req -> {
          originTargets.add(req.uri());
          for (int i = 0; i < headers.length; i += 2) {
            req.response().putHeader(headers[i], headers[i + 1]);
          }
          req.response().end(body);
        });
  }

  Instant now() {
    return clock.instant();
  }

  String canned(String url, PrivateKey key, String keyId, Instant end) {
    return SDK.getSignedUrlWithCannedPolicy(
            r -> r.resourceUrl(url).privateKey(key).keyPairId(keyId).expirationDate(end))
        .url();
  }

  /** The path and query of {@code url}, which the harness sends with Host www.cdn.test. */
  static String target(String url) {
    return url.substring(SITE.length());
  }

  @Test
  void signedUrlsAreServedMissThenHitAndTheSignatureStaysAtTheEdge() {
    serve("/private/movie.mp4", "movie", "Cache-Control", "max-age=600");
    start();
    edge.activate(DistributionsParser.parse(doc(true), "d.yaml"));

    String first =
        canned(
            SITE + "/private/movie.mp4?q=hd",
            KEY.getPrivate(),
            "K2JCJMDEHXQW5F",
            now().plusSeconds(60));
    Resp miss = get(target(first));
    assertThat(miss.status()).isEqualTo(200);
    assertThat(miss.body()).isEqualTo("movie");
    assertThat(miss.header("X-Cache")).startsWith("Miss");
    // another signature for the same object: the same cache entry (signing parameters not in key)
    String second =
        canned(
            SITE + "/private/movie.mp4?q=hd",
            KEY.getPrivate(),
            "K2JCJMDEHXQW5F",
            now().plusSeconds(90));
    Resp hit = get(target(second));
    assertThat(hit.status()).isEqualTo(200);
    assertThat(hit.header("X-Cache")).startsWith("Hit");
    assertThat(originTargets).containsExactly("/private/movie.mp4?q=hd");

    // the cached object is guarded too
    Resp unsigned = get("/private/movie.mp4?q=hd");
    assertThat(unsigned.status()).isEqualTo(403);
    assertThat(unsigned.body()).contains("requires a signed URL");
    // and the signature expires with the test clock
    clock.advance(Duration.ofSeconds(61));
    Resp expired = get(target(first));
    assertThat(expired.status()).isEqualTo(403);
    assertThat(expired.body()).contains("expired");
    assertThat(get(target(second)).header("X-Cache")).startsWith("Hit");
  }

  @Test
  void everyBadSignatureIsRefusedBeforeTheCache() {
    serve("/private/a.txt", "a", "Cache-Control", "max-age=600");
    serve("/other/b.txt", "b", "Cache-Control", "max-age=600");
    start();
    edge.activate(DistributionsParser.parse(doc(true), "d.yaml"));
    Instant end = now().plusSeconds(300);
    String good = canned(SITE + "/private/a.txt", KEY.getPrivate(), "K2JCJMDEHXQW5F", end);
    assertThat(get(target(good)).status()).isEqualTo(200); // now cached

    int at = good.indexOf("Signature=") + 30;
    String tampered =
        good.substring(0, at) + (good.charAt(at) == 'A' ? 'B' : 'A') + good.substring(at + 1);
    String custom =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(SITE + "/private/a.txt")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(end)
                        .activeDate(now().plusSeconds(100)))
            .url();
    String wrongIp =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(SITE + "/private/a.txt")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(end)
                        .ipRange("192.0.2.0/24"))
            .url();
    // the policy edited to grant this client: its signature no longer matches
    String policy = wrongIp.replaceAll(".*Policy=([^&]*)&.*", "$1");
    String forged =
        io.opencdn.common.signing.CloudFrontBase64.encode(
            new String(
                    io.opencdn.common.signing.CloudFrontBase64.decode(policy, 4096),
                    StandardCharsets.UTF_8)
                .replace("192.0.2.0/24", "127.0.0.0/8")
                .getBytes(StandardCharsets.UTF_8));
    String rightIp = wrongIp.replace(policy, forged);
    String wrongResource =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(SITE + "/private/a.txt")
                        .resourceUrlPattern(SITE + "/private/b*")
                        .privateKey(KEY.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(end))
            .url();
    String[][] cases = {
      {
        target(
            canned(
                SITE + "/private/a.txt",
                KEY.getPrivate(),
                "K2JCJMDEHXQW5F",
                now().minusSeconds(1))),
        "expired"
      },
      {target(custom), "not yet valid"},
      {target(wrongIp), "IpAddress"},
      {target(rightIp), "does not match"},
      {target(tampered), "does not match"},
      {target(good).replace("a.txt", "a.txt.bak"), "does not match"},
      {target(good) + "&extra=1", "does not match"},
      {
        target(canned(SITE + "/private/a.txt", KEY.getPrivate(), "KUNKNOWN", end)),
        "'KUNKNOWN' is not in a key group this path trusts (kg1)"
      },
      {
        target(canned(SITE + "/private/a.txt", OTHER.getPrivate(), "KOTHER", end)),
        "'KOTHER' is not in a key group"
      },
      {target(wrongResource), "Resource"},
      {"/private/a.txt?Policy=!!&Signature=x&Key-Pair-Id=K2JCJMDEHXQW5F", "Policy is not base64"},
      {
        "/private/a.txt?Policy=bm90IGpzb24_&Signature=eA__&Key-Pair-Id=K2JCJMDEHXQW5F",
        "does not match"
      },
    };
    for (String[] c : cases) {
      Resp r = get(c[0]);
      assertThat(r.status()).as(c[0]).isEqualTo(403);
      assertThat(r.body()).as(c[0]).contains(c[1]);
      assertThat(r.header("X-Cache")).as(c[0]).isNull();
    }
    // a key of kg2 works where kg2 is trusted
    String other = canned(SITE + "/other/b.txt", OTHER.getPrivate(), "KOTHER", end);
    assertThat(get(target(other)).status()).isEqualTo(200);
    assertThat(origin.count("/private/a.txt")).isEqualTo(1);
  }

  @Test
  void hlsPlaylistAndSegmentsUnderOneSignedCookie() {
    serve("/hls/index.m3u8", "#EXTM3U\nseg-1.ts\nseg-2.ts\n", "Cache-Control", "max-age=2");
    serve("/hls/seg-1.ts", "one", "Cache-Control", "max-age=600");
    serve("/hls/seg-2.ts", "two", "Cache-Control", "max-age=600");
    start();
    edge.activate(DistributionsParser.parse(doc(true), "d.yaml"));
    CookiesForCustomPolicy c =
        SDK.getCookiesForCustomPolicy(
            r ->
                r.resourceUrl(SITE + "/hls/*")
                    .privateKey(KEY.getPrivate())
                    .keyPairId("K2JCJMDEHXQW5F")
                    .expirationDate(now().plusSeconds(3600))
                    .ipRange("127.0.0.1/32"));
    String jar =
        String.join(
            "; ",
            "session=s1",
            c.policyHeaderValue(),
            c.signatureHeaderValue(),
            c.keyPairIdHeaderValue());
    for (String path : List.of("/hls/index.m3u8", "/hls/seg-1.ts", "/hls/seg-2.ts")) {
      Resp r = get(path, "Cookie", jar);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("X-Cache")).as(path).startsWith("Miss");
      // AllViewer forwards the viewer's cookies, but not the signed ones
      assertThat(origin.lastHeaders().get("Cookie")).isEqualTo("session=s1");
    }
    assertThat(get("/hls/seg-1.ts", "Cookie", jar).header("X-Cache")).startsWith("Hit");
    assertThat(get("/hls/seg-1.ts").status()).isEqualTo(403);
    assertThat(get("/hls/seg-1.ts", "Cookie", jar.replace("K2JCJMDEHXQW5F", "KUNKNOWN")).status())
        .isEqualTo(403);
    // a signed URL wins over the cookies
    String url =
        canned(SITE + "/hls/seg-2.ts", KEY.getPrivate(), "K2JCJMDEHXQW5F", now().minusSeconds(1));
    assertThat(get(target(url), "Cookie", jar).body()).contains("expired");
  }

  @Test
  void signingIsAppliedAndLiftedLive() {
    serve("/private/live.txt", "live", "Cache-Control", "max-age=600");
    start();
    edge.activate(DistributionsParser.parse(doc(false), "d.yaml"));
    assertThat(get("/private/live.txt").status()).isEqualTo(200);
    edge.activate(DistributionsParser.parse(doc(true), "d.yaml"));
    assertThat(get("/private/live.txt").status()).isEqualTo(403);
    String url =
        canned(
            SITE + "/private/live.txt", KEY.getPrivate(), "K2JCJMDEHXQW5F", now().plusSeconds(9));
    Resp r = get(target(url));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Cache")).startsWith("Hit");
  }
}
