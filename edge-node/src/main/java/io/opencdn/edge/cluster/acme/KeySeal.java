package io.opencdn.edge.cluster.acme;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Private keys sealed for the cluster map, as {@code cluster.ClusterTicketKeys} seals ticket keys:
 * AES-256-GCM under {@code HMAC-SHA256(secret, "opencdn acme keys v1")}, a random 96-bit nonce, and
 * the place the value is stored under (its map key, and the certificate it belongs to) as
 * associated data, so a process without the cluster secret learns no key, plants none, and cannot
 * move one to another entry. The cluster network has no TLS: nothing secret crosses it in clear.
 */
final class KeySeal {

  private static final String LABEL = "opencdn acme keys v1";
  private static final int NONCE = 12;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  KeySeal(String secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      this.key = new SecretKeySpec(m.doFinal(LABEL.getBytes(StandardCharsets.UTF_8)), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** {@code plain} sealed for {@code place}: nonce, then ciphertext and tag. */
  byte[] seal(String place, byte[] plain) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      byte[] body = c.doFinal(plain);
      byte[] out = new byte[NONCE + body.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(body, 0, out, NONCE, body.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unavailable", e);
    }
  }

  /** What {@link #seal} sealed for {@code place}, or null when {@code value} is not that. */
  byte[] open(String place, byte[] value) {
    if (value == null || value.length < NONCE + 16) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, value, 0, NONCE));
      c.updateAAD(place.getBytes(StandardCharsets.UTF_8));
      return c.doFinal(value, NONCE, value.length - NONCE);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }
}
