package io.opencdn.dns.config;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

/**
 * The signing algorithms: ECDSA P-256 with SHA-256 (13, RFC 6605) and Ed25519 (15, RFC 8080),
 * through the JDK's providers. Private keys are exchanged in BIND's format, whose {@code
 * PrivateKey:} field holds the raw 32 bytes: the scalar for ECDSA, the seed for Ed25519.
 */
public enum DnssecAlgorithm {
  ECDSAP256SHA256(13),
  ED25519(15);

  /** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410 7). */
  private static final byte[] ED25519_PKCS8 = {
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
  };

  private final int number;

  DnssecAlgorithm(int number) {
    this.number = number;
  }

  /** The DNSSEC algorithm number (IANA). */
  public int number() {
    return number;
  }

  /** True for the name ({@code ECDSAP256SHA256}, {@code ED25519}) or the number as text. */
  public boolean matches(String text) {
    return name().equalsIgnoreCase(text) || Integer.toString(number).equals(text);
  }

  /** The algorithm numbered {@code n}. */
  public static DnssecAlgorithm of(int n) {
    for (DnssecAlgorithm a : values()) {
      if (a.number == n) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "DNSSEC algorithm " + n + " is not supported (13 ECDSAP256SHA256, 15 ED25519)");
  }

  /** A new key pair. */
  public KeyPair generate() {
    try {
      if (this == ECDSAP256SHA256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
      }
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + this + " key: " + e.getMessage(), e);
    }
  }

  /** The 32 raw bytes BIND writes as {@code PrivateKey:}. */
  public byte[] rawPrivate(PrivateKey key) {
    if (this == ECDSAP256SHA256) {
      byte[] s = ((ECPrivateKey) key).getS().toByteArray();
      byte[] out = new byte[32];
      int from = Math.max(0, s.length - 32);
      System.arraycopy(s, from, out, 32 - (s.length - from), s.length - from);
      return out;
    }
    byte[] der = key.getEncoded();
    return Arrays.copyOfRange(der, der.length - 32, der.length);
  }

  /** The private key from BIND's raw 32 bytes. */
  public PrivateKey privateKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException(
          "expected a 32-byte private key, got " + raw.length + " bytes");
    }
    try {
      if (this == ECDSAP256SHA256) {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
        return KeyFactory.getInstance("EC")
            .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, raw), spec));
      }
      byte[] der = Arrays.copyOf(ED25519_PKCS8, ED25519_PKCS8.length + 32);
      System.arraycopy(raw, 0, der, ED25519_PKCS8.length, 32);
      return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a " + this + " private key: " + e.getMessage(), e);
    }
  }

  /** BIND's algorithm line: {@code 13 (ECDSAP256SHA256)}. */
  public String bindName() {
    return number + " (" + name() + ")";
  }
}
