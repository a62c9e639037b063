package io.opencdn.common.signing;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Public keys as CloudFront takes them for key groups: PEM {@code -----BEGIN PUBLIC KEY-----}
 * (X.509 SubjectPublicKeyInfo, what {@code openssl rsa -pubout} and {@code openssl ec -pubout}
 * write) of an RSA key of 2048 bits or more or an EC key on P-256.
 */
public final class PemPublicKeys {

  private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
  private static final String END = "-----END PUBLIC KEY-----";

  private PemPublicKeys() {}

  /**
   * The key in {@code pem}.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static PublicKey parse(String pem) {
    String t = pem.strip();
    if (!t.startsWith(BEGIN) || !t.endsWith(END)) {
      throw new IllegalArgumentException(
          "a PEM public key between " + BEGIN + " and " + END + " lines");
    }
    String body = t.substring(BEGIN.length(), t.length() - END.length()).replaceAll("\\s+", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("a PEM public key whose body is base64");
    }
    for (String alg : new String[] {"RSA", "EC"}) {
      PublicKey k;
      try {
        k = KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException | RuntimeException e) {
        continue;
      }
      if (k instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
        throw new IllegalArgumentException(
            "an RSA key of 2048 bits or more, got " + rsa.getModulus().bitLength() + " bits");
      }
      if (k instanceof ECPublicKey ec
          && ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("an EC key on P-256 (prime256v1)");
      }
      return k;
    }
    throw new IllegalArgumentException(
        "an RSA or EC public key (X.509 SubjectPublicKeyInfo), got something else");
  }
}
