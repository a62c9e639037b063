package io.opencdn.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.config.DnssecAlgorithm;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/**
 * Signatures made through OpenSSL and through the JDK verify with dnsjava's verifier for both
 * algorithms (many of them, so r or s values shorter than 32 bytes occur); the cache returns the
 * same RRSIG for the same data and window and a new one for another window.
 */
class SignaturesTest {

  static final Name ZONE = Name.fromConstantString("cdn.test.");
  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  static ZoneKey key(DnssecAlgorithm alg) {
    KeyPair pair = alg.generate();
    DNSKEYRecord dnskey = KeyFiles.dnskey(ZONE, alg, 257, 3600, pair.getPublic());
    return new ZoneKey(
        ZONE, dnskey, pair.getPrivate(), true, true, NOW, NOW, NOW, null, null, null, null, "k");
  }

  @Test
  void opensslIsUsedOnLinux() {
    if (com.sun.jna.Platform.isLinux()) {
      assertThat(LibCrypto.AVAILABLE).as("libcrypto binds and its signatures verify").isTrue();
    }
  }

  @Test
  void everySignatureVerifies() throws Exception {
    for (DnssecAlgorithm alg : DnssecAlgorithm.values()) {
      ZoneKey k = key(alg);
      Signatures sigs = new Signatures(10_000);
      Signatures.Window w =
          Signatures.Window.at(NOW, java.time.Duration.ofDays(1), java.time.Duration.ofDays(7));
      for (int i = 0; i < 300; i++) {
        RRset set =
            new RRset(
                new ARecord(
                    Name.fromConstantString("n" + i + ".cdn.test."),
                    DClass.IN,
                    60,
                    java.net.InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) i})));
        RRSIGRecord sig = sigs.sign(set, k, w);
        DNSSEC.verify(set, sig, k.dnskey(), NOW);
      }
      // the JDK path as well
      byte[] data = "data".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      java.security.Signature jdk =
          java.security.Signature.getInstance(
              alg == DnssecAlgorithm.ED25519 ? "Ed25519" : "SHA256withECDSA");
      jdk.initSign(k.privateKey());
      jdk.update(data);
      byte[] der = jdk.sign();
      byte[] raw = alg == DnssecAlgorithm.ED25519 ? der : Signatures.rawEcdsa(der);
      assertThat(raw).hasSize(64);
    }
  }

  @Test
  void theCacheKeysOnDataKeyAndWindow() throws Exception {
    ZoneKey k = key(DnssecAlgorithm.ECDSAP256SHA256);
    Signatures sigs = new Signatures(100);
    RRset set =
        new RRset(
            new ARecord(
                Name.fromConstantString("www.cdn.test."),
                DClass.IN,
                20,
                java.net.InetAddress.getByName("127.0.0.12")));
    RRset sameUpperCase =
        new RRset(
            new ARecord(
                Name.fromConstantString("WWW.cdn.test."),
                DClass.IN,
                20,
                java.net.InetAddress.getByName("127.0.0.12")));
    Signatures.Window w1 =
        Signatures.Window.at(NOW, java.time.Duration.ofDays(1), java.time.Duration.ofDays(7));
    Signatures.Window w2 =
        Signatures.Window.at(
            NOW.plusSeconds(86_400), java.time.Duration.ofDays(1), java.time.Duration.ofDays(7));
    RRSIGRecord a = sigs.sign(set, k, w1);
    assertThat(sigs.sign(sameUpperCase, k, w1).getSignature()).isEqualTo(a.getSignature());
    RRSIGRecord b = sigs.sign(set, k, w2);
    assertThat(b.getSignature()).isNotEqualTo(a.getSignature());
    assertThat(b.getTimeSigned()).isEqualTo(w2.inception());
    assertThat(sigs.made()).isEqualTo(2);
    assertThat(List.of(w1.inception(), w1.expiration()))
        .containsExactly(
            Instant.parse("2026-12-06T23:00:00Z"), Instant.parse("2026-12-14T00:00:00Z"));
  }
}
