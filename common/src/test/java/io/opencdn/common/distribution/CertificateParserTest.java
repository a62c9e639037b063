package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CertificateParserTest {

  private static Distribution one(String certificate) {
    String doc =
        """
        distributions:
          - id: www
            hosts: [www.cdn.test, cdn.test, "*"]
            origins: [{id: o, url: "http://127.0.0.1:9090"}]
            behaviors: [{path: "*", target: o}]
            certificate: %s
        """
            .formatted(certificate);
    return DistributionsParser.parse(doc, "d.yaml").distributions().get(0);
  }

  @Test
  void acmeShortFormCoversTheHostsButTheCatchAll() {
    CertificateSource c = one("acme").certificate();
    assertThat(c.acme()).isTrue();
    assertThat(c.names()).containsExactly("www.cdn.test", "cdn.test");
    assertThat(c.challenge()).as("the edge's tls.acme.challenge").isNull();
  }

  @Test
  void acmeMappingNamesChallengeAndWildcards() {
    CertificateSource c =
        one("{source: acme, challenge: DNS-01, names: [cdn.test, \"*.CDN.test\"]}").certificate();
    assertThat(c.names()).containsExactly("cdn.test", "*.cdn.test");
    assertThat(c.challenge()).isEqualTo("dns-01");
    assertThat(one("{challenge: http-01}").certificate().challenge()).isEqualTo("http-01");
  }

  @Test
  void filesNameTheirPemFiles() {
    CertificateSource c = one("{cert: certs/www.pem, key: certs/www.key}").certificate();
    assertThat(c.source()).isEqualTo(CertificateSource.FILES);
    assertThat(c.cert()).isEqualTo("certs/www.pem");
    assertThat(c.key()).isEqualTo("certs/www.key");
    assertThat(one("{source: files, cert: a.pem, key: a.key}").certificate().acme()).isFalse();
  }

  @Test
  void absentMeansTheEdgesOwnCertificates() {
    String doc =
        """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins: [{id: o, url: "http://127.0.0.1:9090"}]
            behaviors: [{path: "*", target: o}]
        """;
    assertThat(DistributionsParser.parse(doc, "d.yaml").distributions().get(0).certificate())
        .isNull();
  }

  @Test
  void mistakesNameTheirKey() {
    assertThatThrownBy(() -> one("letsencrypt"))
        .hasMessageContaining("distributions[0].certificate")
        .hasMessageContaining("acme, or a mapping");
    assertThatThrownBy(() -> one("{source: acm}"))
        .hasMessageContaining("distributions[0].certificate.source")
        .hasMessageContaining("acme or files");
    assertThatThrownBy(() -> one("{challenge: tls-alpn-01}"))
        .hasMessageContaining("certificate.challenge");
    assertThatThrownBy(() -> one("{challenge: http-01, names: [\"*.cdn.test\"]}"))
        .hasMessageContaining("certificate.challenge")
        .hasMessageContaining("wildcard");
    assertThatThrownBy(() -> one("{source: files, cert: a.pem}"))
        .hasMessageContaining("certificate.key")
        .hasMessageContaining("required");
    assertThatThrownBy(() -> one("{cert: a.pem, key: a.key, challenge: http-01}"))
        .hasMessageContaining("certificate.challenge")
        .hasMessageContaining("only with source: acme");
    assertThatThrownBy(() -> one("{names: [\"bad name\"]}"))
        .hasMessageContaining("certificate.names[0]");
    assertThatThrownBy(() -> one("{colour: blue}"))
        .hasMessageContaining("certificate.colour")
        .hasMessageContaining("unknown key");
  }
}
