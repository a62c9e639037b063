package io.opencdn.edge.cluster.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bearer token edges present to each other on the peer endpoint: HMAC-SHA256 of a fixed label
 * keyed with the cluster secret, so only members of the cluster (who know the secret) can read
 * objects from a peer, and the secret itself never travels. Compared in constant time.
 */
public final class PeerToken {

  private static final String LABEL = "opencdn peer fill v1";
  private final String value;

  private PeerToken(String value) {
    this.value = value;
  }

  /** The token derived from {@code clusterSecret}. */
  public static PeerToken fromSecret(String clusterSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clusterSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return new PeerToken(
          HexFormat.of().formatHex(mac.doFinal(LABEL.getBytes(StandardCharsets.UTF_8))));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code Authorization} header value to send. */
  public String header() {
    return "Bearer " + value;
  }

  /** True when {@code authorization} is this token. */
  public boolean accepts(String authorization) {
    return authorization != null
        && MessageDigest.isEqual(
            authorization.trim().getBytes(StandardCharsets.UTF_8),
            header().getBytes(StandardCharsets.UTF_8));
  }
}
