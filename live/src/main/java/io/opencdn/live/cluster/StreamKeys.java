package io.opencdn.live.cluster;

import io.opencdn.live.config.LiveConfig;
import io.opencdn.live.config.StreamKeyMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the key a publisher gives with its stream ({@code rtmp://edge/live/<stream>?key=<key>}).
 *
 * <p>With {@link StreamKeyMode#HMAC} the key of stream {@code S} is the lower-case hex of the first
 * 16 bytes of {@code HMAC-SHA256(K, S)}, where {@code K = HMAC-SHA256(cluster secret, "opencdn live
 * stream keys v1")}: any edge of the cluster checks any stream's key without a list, the secret
 * itself is never a MAC key (as with {@link io.opencdn.common.cluster.RecordMac}, whose label
 * differs), and a key reveals nothing about other streams' keys. With {@link StreamKeyMode#STATIC}
 * the keys are the configured ones. Comparisons take constant time.
 */
public final class StreamKeys {

  private static final String LABEL = "opencdn live stream keys v1";

  private final SecretKeySpec derived;
  private final Map<String, String> fixed;

  private StreamKeys(SecretKeySpec derived, Map<String, String> fixed) {
    this.derived = derived;
    this.fixed = fixed;
  }

  /** Keys derived from the cluster {@code secret}. */
  public static StreamKeys hmac(String secret) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new StreamKeys(
          new SecretKeySpec(m.doFinal(LABEL.getBytes(StandardCharsets.UTF_8)), "HmacSHA256"), null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The configured keys, stream to key. */
  public static StreamKeys fixed(Map<String, String> keys) {
    return new StreamKeys(null, Map.copyOf(keys));
  }

  /**
   * The keys of {@code config}: derived from {@code clusterSecret} (required then) or listed.
   *
   * @throws IllegalArgumentException when the mode is hmac and there is no secret
   */
  public static StreamKeys of(LiveConfig config, String clusterSecret) {
    if (config.keyMode() == StreamKeyMode.STATIC) {
      return fixed(config.keys());
    }
    if (clusterSecret == null) {
      throw new IllegalArgumentException("live.streamKeys hmac needs the cluster secret");
    }
    return hmac(clusterSecret);
  }

  /** The key of {@code stream}: derived, or configured (null when not listed). */
  public String keyFor(String stream) {
    if (fixed != null) {
      return fixed.get(stream);
    }
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(derived);
      byte[] full = m.doFinal(stream.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(full, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Whether {@code key} may publish {@code stream}. */
  public boolean accepts(String stream, String key) {
    String expected = keyFor(stream);
    return expected != null
        && key != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8));
  }
}
