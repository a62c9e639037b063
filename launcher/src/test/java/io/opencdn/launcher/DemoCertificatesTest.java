package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo CA and edge certificate validate as a chain, for the JDK's PKIX and for OpenSSL. */
class DemoCertificatesTest {

  @TempDir Path dir;

  @Test
  void theEdgeCertificateChainsToTheDemoCa() throws Exception {
    DemoCertificates c = DemoCertificates.create(dir.resolve("tls"), Instant.now());
    CertificateFactory f = CertificateFactory.getInstance("X.509");
    X509Certificate ca;
    try (InputStream in = Files.newInputStream(c.ca())) {
      ca = (X509Certificate) f.generateCertificate(in);
    }
    List<X509Certificate> chain;
    try (InputStream in = Files.newInputStream(c.cert())) {
      chain = f.generateCertificates(in).stream().map(x -> (X509Certificate) x).toList();
    }

    assertThat(chain).hasSize(2);
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    X509Certificate leaf = chain.get(0);
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(
            leaf.getSubjectAlternativeNames().stream()
                .map(san -> String.valueOf(san.get(1)))
                .toList())
        .containsExactly("www.cdn.test", "cdn.test", "*.cdn.test");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(List.of(leaf)), params);
    assertThat(Files.readString(c.key())).startsWith("-----BEGIN PRIVATE KEY-----");

    Process p =
        new ProcessBuilder(
                "openssl",
                "verify",
                "-x509_strict",
                "-purpose",
                "sslserver",
                "-CAfile",
                c.ca().toString(),
                c.cert().toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains(": OK");
  }
}
