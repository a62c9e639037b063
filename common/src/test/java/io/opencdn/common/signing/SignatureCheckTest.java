package io.opencdn.common.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;
import software.amazon.awssdk.services.cloudfront.utils.SigningHashAlgorithm;

/**
 * {@link SignatureCheck} against URLs and cookies made by an independent signer, the AWS SDK for
 * Java's {@link CloudFrontUtilities}, and against hand-made custom policies.
 */
class SignatureCheckTest {

  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair EC = generate("EC", 256);
  static final KeyPair OTHER = generate("RSA", 2048);
  static final KeyGroup KG1 =
      new KeyGroup("kg1", Map.of("K2JCJMDEHXQW5F", RSA.getPublic(), "KEC", EC.getPublic()), 1);
  static final KeyGroup KG2 = new KeyGroup("kg2", Map.of("KOTHER", OTHER.getPublic()), 2);
  static final long NOW = 1_767_225_600L; // 2026-01-01T00:00:00Z
  static final Instant LATER = Instant.ofEpochSecond(NOW + 3600);
  static final String BASE = "https://www.cdn.test/private/movie.mp4";
  static final CloudFrontUtilities SDK = CloudFrontUtilities.create();
  static final InetAddress CLIENT = ip("10.1.2.3");

  static KeyPair generate(String alg, int size) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      g.initialize(size);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SignatureCheck.Verdict check(String url, String cookies, InetAddress client, long now) {
    URI u = URI.create(url);
    String target = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    return SignatureCheck.check(
        List.of(KG1), u.getScheme(), u.getRawAuthority(), target, cookies, client, now);
  }

  static SignatureCheck.Verdict check(String url) {
    return check(url, null, CLIENT, NOW);
  }

  static String canned(String url, PrivateKey key, String keyId, Instant end) {
    return SDK.getSignedUrlWithCannedPolicy(
            r -> r.resourceUrl(url).privateKey(key).keyPairId(keyId).expirationDate(end))
        .url();
  }

  static String handSigned(String url, String policy, PrivateKey key, String alg) throws Exception {
    Signature s = Signature.getInstance(alg);
    s.initSign(key);
    s.update(policy.getBytes(StandardCharsets.UTF_8));
    String sig = Base64.getEncoder().encodeToString(s.sign());
    String pol = Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.UTF_8));
    // standard base64, percent-encoded, as signing code without CloudFront's variant writes it
    return url
        + "?Policy="
        + URLEncoder.encode(pol, StandardCharsets.UTF_8)
        + "&Signature="
        + URLEncoder.encode(sig, StandardCharsets.UTF_8)
        + "&Key-Pair-Id=K2JCJMDEHXQW5F";
  }

  @Test
  void cannedUrlsOfTheSdkPassAndLoseTheirSigningParameters() {
    String url = canned(BASE + "?quality=hd", RSA.getPrivate(), "K2JCJMDEHXQW5F", LATER);
    SignatureCheck.Verdict v = check(url);
    assertThat(v.refusal()).isNull();
    assertThat(v.target()).isEqualTo("/private/movie.mp4?quality=hd");
    assertThat(v.byCookie()).isFalse();
    assertThat(check(canned(BASE, RSA.getPrivate(), "K2JCJMDEHXQW5F", LATER)).target())
        .isEqualTo("/private/movie.mp4");
  }

  @Test
  void ecdsaKeysAndSha256AsTheSdkSignsThem() {
    for (SigningHashAlgorithm h : SigningHashAlgorithm.values()) {
      String url =
          SDK.getSignedUrlWithCannedPolicy(
                  r ->
                      r.resourceUrl(BASE)
                          .privateKey(EC.getPrivate())
                          .keyPairId("KEC")
                          .expirationDate(LATER)
                          .hashAlgorithm(h))
              .url();
      assertThat(check(url).allowed()).as(h.name()).isTrue();
    }
    String rsa256 =
        SDK.getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl(BASE)
                        .privateKey(RSA.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(LATER)
                        .hashAlgorithm(SigningHashAlgorithm.SHA256))
            .url();
    assertThat(rsa256).contains("Hash-Algorithm=SHA256");
    assertThat(check(rsa256).allowed()).isTrue();
    assertThat(check(rsa256.replace("SHA256", "SHA1")).refusal()).contains("does not match");
  }

  @Test
  void customPoliciesOfTheSdk() {
    String url =
        SDK.getSignedUrlWithCustomPolicy(
                r ->
                    r.resourceUrl(BASE + "?x=1")
                        .resourceUrlPattern("https://www.cdn.test/private/*")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .activeDate(Instant.ofEpochSecond(NOW - 60))
                        .expirationDate(LATER)
                        .ipRange("10.0.0.0/8"))
            .url();
    assertThat(check(url).refusal()).isNull();
    assertThat(check(url).target()).isEqualTo("/private/movie.mp4?x=1");
    assertThat(check(url, null, ip("192.0.2.1"), NOW).refusal()).contains("IpAddress");
    assertThat(check(url, null, null, NOW).refusal()).contains("IpAddress");
    assertThat(check(url, null, CLIENT, NOW - 120).refusal()).startsWith("not yet valid");
    assertThat(check(url, null, CLIENT, NOW + 3600).refusal()).startsWith("expired");
    // the wildcard grants other files under /private/, with the same signature
    assertThat(check(url.replace("movie.mp4", "trailer.mp4")).allowed()).isTrue();
    assertThat(check(url.replace("/private/", "/public/")).refusal()).contains("Resource");
  }

  @Test
  void signedCookiesOfTheSdk() {
    var custom =
        SDK.getCookiesForCustomPolicy(
            r ->
                r.resourceUrl("https://www.cdn.test/hls/*")
                    .privateKey(RSA.getPrivate())
                    .keyPairId("K2JCJMDEHXQW5F")
                    .expirationDate(LATER));
    String jar =
        "session=abc; "
            + custom.policyHeaderValue()
            + "; "
            + custom.signatureHeaderValue()
            + "; "
            + custom.keyPairIdHeaderValue();
    for (String path : List.of("/hls/index.m3u8", "/hls/seg-1.ts?v=2")) {
      SignatureCheck.Verdict v = check("https://www.cdn.test" + path, jar, CLIENT, NOW);
      assertThat(v.refusal()).as(path).isNull();
      assertThat(v.byCookie()).isTrue();
    }
    assertThat(check("https://www.cdn.test/other.ts", jar, CLIENT, NOW).refusal())
        .contains("Resource");
    assertThat(SignatureCheck.withoutSigningCookies(jar)).isEqualTo("session=abc");

    var canned =
        SDK.getCookiesForCannedPolicy(
            r ->
                r.resourceUrl(BASE)
                    .privateKey(RSA.getPrivate())
                    .keyPairId("K2JCJMDEHXQW5F")
                    .expirationDate(LATER));
    String cannedJar =
        canned.expiresHeaderValue()
            + "; "
            + canned.signatureHeaderValue()
            + "; "
            + canned.keyPairIdHeaderValue();
    assertThat(check(BASE, cannedJar, CLIENT, NOW).allowed()).isTrue();
    assertThat(check(BASE + "x", cannedJar, CLIENT, NOW).refusal()).contains("does not match");
    assertThat(check(BASE, cannedJar, CLIENT, NOW + 3600).refusal()).startsWith("expired");
    assertThat(SignatureCheck.withoutSigningCookies(cannedJar)).isNull();
  }

  @Test
  void handMadePoliciesWithQuestionMarkWildcards() throws Exception {
    String policy =
        "{\"Statement\": [{\"Resource\": \"https://www.cdn.test/private/movie.mp?\","
            + " \"Condition\": {\"DateGreaterThan\": {\"AWS:EpochTime\": "
            + (NOW - 10)
            + "}, \"DateLessThan\": {\"AWS:EpochTime\": "
            + (NOW + 10)
            + "}, \"IpAddress\": {\"AWS:SourceIp\": \"10.1.2.3\"}}}]}";
    String url = handSigned(BASE, policy, RSA.getPrivate(), "SHA1withRSA");
    assertThat(check(url).refusal()).isNull();
    assertThat(check(url.replace("mp4", "mp3")).allowed()).isTrue();
    assertThat(check(url.replace("mp4", "mp44")).refusal()).contains("Resource");
    assertThat(check(url, null, ip("10.1.2.4"), NOW).refusal()).contains("IpAddress");
    assertThat(check(url, null, ip("::1"), NOW).refusal()).contains("IpAddress");
  }

  @Test
  void everyKindOfForgeryIsRefused() throws Exception {
    String url = canned(BASE, RSA.getPrivate(), "K2JCJMDEHXQW5F", LATER);
    int at = url.indexOf("Signature=") + 20;
    String flipped =
        url.substring(0, at) + (url.charAt(at) == 'A' ? 'B' : 'A') + url.substring(at + 1);
    assertThat(check(flipped).refusal()).contains("does not match");
    assertThat(check(url.replace("movie", "movif")).refusal()).contains("does not match");
    assertThat(
            check(url.replace("Expires=" + LATER.getEpochSecond(), "Expires=9999999999")).refusal())
        .contains("does not match");
    assertThat(check(url, null, CLIENT, LATER.getEpochSecond()).refusal()).startsWith("expired");
    assertThat(check(canned(BASE, RSA.getPrivate(), "KUNKNOWN", LATER)).refusal())
        .contains("'KUNKNOWN' is not in a key group this path trusts (kg1)");
    // a key of a group the behavior does not trust
    assertThat(check(canned(BASE, OTHER.getPrivate(), "KOTHER", LATER)).refusal())
        .contains("'KOTHER' is not in a key group");
    // a trusted key id with another key's signature
    assertThat(check(canned(BASE, OTHER.getPrivate(), "K2JCJMDEHXQW5F", LATER)).refusal())
        .contains("does not match");
    assertThat(check(BASE).refusal()).startsWith("this path requires a signed URL");
    assertThat(check(BASE, "CloudFront-Key-Pair-Id=K2JCJMDEHXQW5F", CLIENT, NOW).refusal())
        .isEqualTo("missing CloudFront-Signature");
  }

  @Test
  void malformedInputIsARefusalWithAReason() throws Exception {
    String sig = "&Signature=abcd&Key-Pair-Id=K2JCJMDEHXQW5F";
    assertThat(check(BASE + "?Policy=!!!" + sig).refusal()).contains("Policy is not base64");
    assertThat(check(BASE + "?Policy=" + "A".repeat(20_000) + sig).refusal())
        .contains("Policy is longer than 4096 bytes");
    assertThat(check(BASE + "?Expires=12x" + sig).refusal()).contains("Expires is not whole");
    assertThat(check(BASE + "?Expires=1&Policy=e30_" + sig).refusal()).contains("both");
    assertThat(check(BASE + "?Expires=1&Signature=a*b&Key-Pair-Id=K2JCJMDEHXQW5F").refusal())
        .contains("Signature is");
    assertThat(check(BASE + "?Expires=1&Signature=a&Signature=b&Key-Pair-Id=K").refusal())
        .contains("given twice");
    assertThat(
            check(BASE + "?Expires=1&Signature=abcd&Hash-Algorithm=MD5&Key-Pair-Id=KEC").refusal())
        .contains("SHA1 or SHA256");
    for (String bad :
        List.of(
            "not json",
            "[]",
            "{\"Statement\":[]}",
            "{\"Statement\":[{\"Resource\":\"*\"}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{}}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":\"x\"}}}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":1e99}}}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":9999999999},\"IpAddress\":{\"AWS:SourceIp\":\"10.0.0.0/33\"}}}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":9999999999},\"Other\":1}}]}",
            "{\"Statement\":[{\"Resource\":\"*\",\"Resource\":\"x\"}]}")) {
      // validly signed, so the policy's content is what is refused
      String url = handSigned(BASE, bad, RSA.getPrivate(), "SHA1withRSA");
      assertThat(check(url).refusal()).as(bad).startsWith("the policy");
    }
  }

  @Test
  void ipRanges() {
    assertThat(IpRange.parse("192.0.2.0/24").contains(ip("192.0.2.200"))).isTrue();
    assertThat(IpRange.parse("192.0.2.0/24").contains(ip("192.0.3.1"))).isFalse();
    assertThat(IpRange.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
    assertThat(IpRange.parse("2001:db8::/32").contains(ip("2001:db8:1::5"))).isTrue();
    assertThat(IpRange.parse("2001:db8::/32").contains(ip("192.0.2.1"))).isFalse();
    assertThat(IpRange.parse("10.1.2.3").contains(ip("10.1.2.3"))).isTrue();
    for (String bad : List.of("", "host.example", "10.0.0.0/", "10.0.0.0/40", "::1/129")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpRange.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
