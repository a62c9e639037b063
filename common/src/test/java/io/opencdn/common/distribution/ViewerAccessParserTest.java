package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;

/** {@code keyGroups}, {@code trustedKeyGroups} and {@code viewerProtocol}: parsing and explain. */
class ViewerAccessParserTest {

  static final KeyPair RSA = generate("RSA", 2048);
  static final KeyPair EC = generate("EC", 256);

  static KeyPair generate(String alg, int size) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      g.initialize(size);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key as PEM on one YAML line, with {@code \n} escapes in a double-quoted scalar. */
  static String pem(PublicKey k) {
    return "-----BEGIN PUBLIC KEY-----\\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(k.getEncoded())
            .replace("\n", "\\n")
        + "\\n-----END PUBLIC KEY-----";
  }

  static String doc(String behaviors, String keyGroups) {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "http://127.0.0.1:9090"}
            behaviors:
        %s
              - {path: "*", target: site}
        keyGroups:
        %s
        """
        .formatted(behaviors, keyGroups);
  }

  static String groups() {
    return "  - {id: kg1, keys: [{id: K2JCJMDEHXQW5F, publicKey: \""
        + pem(RSA.getPublic())
        + "\"}, {id: KEC, publicKey: \""
        + pem(EC.getPublic())
        + "\"}]}\n  - {id: kg2, keys: [{id: KOTHER, publicKey: \""
        + pem(generate("RSA", 2048).getPublic())
        + "\"}]}";
  }

  @Test
  void readsKeyGroupsAndTheBehaviorsThatTrustThem() {
    DistributionsDocument d =
        DistributionsParser.parse(
            doc(
                """
                      - {path: "/private/*", target: site, trustedKeyGroups: [kg1, kg2]}
                      - {path: "/static/*", target: site, viewerProtocol: redirect-to-https}
                      - {path: "/admin/*", target: site, viewerProtocol: https-only}\
                """,
                groups()),
            "d.yaml");
    Distribution www = d.forHost("www.cdn.test");
    Behavior priv = www.behaviorFor("/private/a");
    assertThat(priv.trustedKeyGroups()).extracting(g -> g.id()).containsExactly("kg1", "kg2");
    assertThat(priv.trustedKeyGroups().get(0).keys()).containsKeys("K2JCJMDEHXQW5F", "KEC");
    assertThat(priv.trustedKeyGroups().get(0).keys().get("KEC")).isEqualTo(EC.getPublic());
    assertThat(priv.viewerProtocol()).isEqualTo(ViewerProtocol.ALLOW_ALL);
    assertThat(priv.guarded()).isTrue();
    assertThat(www.behaviorFor("/static/a").viewerProtocol())
        .isEqualTo(ViewerProtocol.REDIRECT_TO_HTTPS);
    assertThat(www.behaviorFor("/admin/a").viewerProtocol()).isEqualTo(ViewerProtocol.HTTPS_ONLY);
    assertThat(www.behaviorFor("/other").guarded()).isFalse();
    assertThat(www.behaviorFor("/other").trustedKeyGroups()).isEmpty();
  }

  @Test
  void reportsBadKeysUnknownGroupsAndDuplicateIdsWithFileLineAndKey() {
    String bad =
        doc(
            """
                  - {path: "/private/*", target: site, trustedKeyGroups: [kg1, kg9]}
                  - {path: "/static/*", target: site, viewerProtocol: https-please}
                  - {path: "/empty/*", target: site, trustedKeyGroups: []}\
            """,
            "  - {id: kg1, keys: [{id: K1, publicKey: \""
                + pem(RSA.getPublic())
                + "\"}, {id: K1, publicKey: \""
                + pem(EC.getPublic())
                + "\"}]}\n"
                + "  - {id: kg2, keys: [{id: K2, publicKey: \"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----\"}]}\n"
                + "  - {id: kg3, keys: [{id: K3, publicKey: \"ssh-rsa AAAAB3Nza\"}]}\n"
                + "  - {id: kg1, keys: []}\n"
                + "  - {id: kg4, keys: [{id: \"bad id!\", publicKey: \""
                + pem(generate("RSA", 1024).getPublic())
                + "\"}]}");
    assertThatThrownBy(() -> DistributionsParser.parse(bad, "d.yaml"))
        .isInstanceOfSatisfying(
            Problems.DocumentException.class,
            e -> {
              List<String> p = e.problems();
              assertThat(p)
                  .contains(
                      "d.yaml:12: key 'keyGroups[0].keys[1].id': a key id no other key has, got"
                          + " 'K1' also at line 12",
                      "d.yaml:13: key 'keyGroups[1].keys[0].publicKey': an RSA or EC public key"
                          + " (X.509 SubjectPublicKeyInfo), got something else",
                      "d.yaml:14: key 'keyGroups[2].keys[0].publicKey': a PEM public key between"
                          + " -----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY----- lines",
                      "d.yaml:15: key 'keyGroups[3].keys': at least one {id, publicKey}, got none",
                      "d.yaml:15: key 'keyGroups[3].id': an id no other key group has, got 'kg1'"
                          + " twice",
                      "d.yaml:16: key 'keyGroups[4].keys[0].id': a key id of 1-128 characters A-Z"
                          + " a-z 0-9 _ -, got 'bad id!'",
                      "d.yaml:16: key 'keyGroups[4].keys[0].publicKey': an RSA key of 2048 bits or"
                          + " more, got 1024 bits",
                      "d.yaml:7: key 'distributions[0].behaviors[0].trustedKeyGroups[1]': a key"
                          + " group defined under keyGroups [kg1, kg2, kg3, kg4], got 'kg9'",
                      "d.yaml:8: key 'distributions[0].behaviors[1].viewerProtocol': allow-all,"
                          + " redirect-to-https or https-only, got 'https-please'",
                      "d.yaml:9: key 'distributions[0].behaviors[2].trustedKeyGroups': at least one"
                          + " key group id (leave the key out for none), got []");
            });
  }

  @Test
  void explainShowsProtocolSigningAndWhetherTheUrlPasses() {
    DistributionsDocument d =
        DistributionsParser.parse(
            doc(
                """
                      - {path: "/private/*", target: site, trustedKeyGroups: [kg1],
                         viewerProtocol: redirect-to-https,
                         cachePolicy: UseOriginCacheControlHeaders-QueryStrings}\
                """,
                groups()),
            "d.yaml");
    String plain =
        String.join(
            "\n", RequestExplainer.explain(d, "http://www.cdn.test/private/a.mp4?q=1", Map.of()));
    assertThat(plain)
        .contains(
            "viewer:       redirect-to-https: this http request gets 301 to"
                + " https://www.cdn.test/private/a.mp4?q=1")
        .contains("signed:       required: a signed URL or signed cookies by a key of kg1 (keys")
        .contains("signature:    403 now: this path requires a signed URL");
    String url =
        CloudFrontUtilities.create()
            .getSignedUrlWithCannedPolicy(
                r ->
                    r.resourceUrl("https://www.cdn.test/private/a.mp4?q=1")
                        .privateKey(RSA.getPrivate())
                        .keyPairId("K2JCJMDEHXQW5F")
                        .expirationDate(Instant.now().plusSeconds(3600)))
            .url();
    String signed = String.join("\n", RequestExplainer.explain(d, url, Map.of()));
    assertThat(signed)
        .contains("viewer:       redirect-to-https (http requests get 301 to https)")
        .contains("signature:    valid now (URL)")
        .contains("cache key:    www.cdn.test/private/a.mp4?q=1 ");
    assertThat(
            String.join("\n", RequestExplainer.explain(d, "http://www.cdn.test/public", Map.of())))
        .contains("viewer:       allow-all (http and https)")
        .contains("signed:       not required");
  }
}
