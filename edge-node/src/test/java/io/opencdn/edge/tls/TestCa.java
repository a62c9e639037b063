package io.opencdn.edge.tls;

import io.opencdn.testing.SelfSigned;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test with BouncyCastle (ECDSA P-256): a self-signed root
 * issuing leaves whose AIA extension names an OCSP responder, written as the PEM files the edge's
 * {@code tls:} section reads (chain: leaf, then this CA).
 */
public final class TestCa {

  /** A PEM chain file, its PKCS#8 key file, and the leaf. */
  public record Leaf(Path cert, Path key, X509Certificate certificate) {}

  private final KeyPair keys;
  private final X509Certificate cert;
  private final AtomicLong serials = new AtomicLong(1000);

  public TestCa() throws Exception {
    keys = ecKeys();
    Instant now = Instant.now();
    X500Principal name = new X500Principal("CN=OpenCDN Test OCSP CA");
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.ONE,
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            name,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    cert = sign(b);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return cert;
  }

  /** The CA's private key (it signs OCSP responses itself). */
  public PrivateKey key() {
    return keys.getPrivate();
  }

  /**
   * A leaf for {@code host} naming {@code ocspUrl} as its OCSP responder (none when null), written
   * under {@code dir/name.*}.
   */
  public Leaf issue(Path dir, String name, String host, String ocspUrl) throws Exception {
    KeyPair leafKeys = ecKeys();
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            cert,
            BigInteger.valueOf(serials.incrementAndGet()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            new X500Principal("CN=" + host),
            leafKeys.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
    if (ocspUrl != null) {
      b.addExtension(
          Extension.authorityInfoAccess,
          false,
          new AuthorityInformationAccess(
              AccessDescription.id_ad_ocsp,
              new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
    }
    X509Certificate leaf = sign(b);
    Path certFile = dir.resolve(name + ".cert.pem");
    Path keyFile = dir.resolve(name + ".key.pem");
    Files.writeString(
        certFile,
        SelfSigned.pem("CERTIFICATE", leaf.getEncoded())
            + SelfSigned.pem("CERTIFICATE", cert.getEncoded()),
        StandardCharsets.US_ASCII);
    Files.writeString(
        keyFile,
        SelfSigned.pem("PRIVATE KEY", leafKeys.getPrivate().getEncoded()),
        StandardCharsets.US_ASCII);
    return new Leaf(certFile, keyFile, leaf);
  }

  private X509Certificate sign(X509v3CertificateBuilder b) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key())));
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
