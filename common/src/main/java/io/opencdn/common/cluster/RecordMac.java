package io.opencdn.common.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates cluster records with a key derived from the cluster secret. Hazelcast's open-source
 * edition has no member authentication, so a record that steers traffic or content (a holder of an
 * object, a fill lease) carries an HMAC-SHA256 tag, truncated to 16 bytes, over its fields and the
 * key it is stored under; readers {@link #verify} it before acting on it, so a member that joined
 * without the secret can delete records but cannot forge one.
 *
 * <p>The key is {@code HMAC-SHA256(secret, "opencdn cluster records v1")}: the secret itself is
 * never used as a MAC key, so tags reveal nothing usable elsewhere (the peer token derives its own
 * key the same way with another label).
 */
public final class RecordMac {

  /** Length of a tag in bytes. */
  public static final int TAG_BYTES = 16;

  private static final String LABEL = "opencdn cluster records v1";

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  private RecordMac(byte[] derived) {
    this.key = new SecretKeySpec(derived, "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** The record key of a cluster {@code secret}. */
  public static RecordMac fromSecret(String secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new RecordMac(m.doFinal(LABEL.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The tag of {@code parts} (each length-prefixed, so no two different lists share a tag). */
  public byte[] tag(Object... parts) {
    Mac m = macs.get();
    byte[] len = new byte[4];
    for (Object part : parts) {
      byte[] b = String.valueOf(part).getBytes(StandardCharsets.UTF_8);
      len[0] = (byte) (b.length >>> 24);
      len[1] = (byte) (b.length >>> 16);
      len[2] = (byte) (b.length >>> 8);
      len[3] = (byte) b.length;
      m.update(len);
      m.update(b);
    }
    byte[] full = m.doFinal();
    byte[] out = new byte[TAG_BYTES];
    System.arraycopy(full, 0, out, 0, TAG_BYTES);
    return out;
  }

  /** True when {@code tag} is the tag of {@code parts} (constant-time comparison). */
  public boolean verify(byte[] tag, Object... parts) {
    return tag != null && tag.length == TAG_BYTES && MessageDigest.isEqual(tag, tag(parts));
  }

  /** A tag as text (lower-case hex), e.g. to include one record's tag among another's parts. */
  public static String hex(byte[] tag) {
    return java.util.HexFormat.of().formatHex(tag);
  }

  /**
   * The tag written by {@link #hex}, or null when {@code text} is not one (it then verifies
   * nothing).
   */
  public static byte[] parseHex(String text) {
    if (text == null || text.length() != 2 * TAG_BYTES) {
      return null;
    }
    try {
      return java.util.HexFormat.of().parseHex(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
