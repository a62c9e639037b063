package io.opencdn.edge.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.common.signing.SignatureCheck;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;

/**
 * Signatures already found valid, so that a signature that comes back (the signed cookie of an HLS
 * stream, with every segment; a popular signed URL) costs a SHA-256 and a lookup instead of an RSA
 * or ECDSA verification. Only successes are kept, keyed by the key object itself (a new version of
 * {@code distributions.yaml} parses new key objects, so a removed key matches nothing), the
 * algorithm, the signature as sent and the SHA-256 of the signed policy text; the dates, resource
 * and address of the policy are checked on every request all the same. Bounded (LRU-like, {@link
 * #MAX_ENTRIES}).
 */
final class VerifiedSignatures implements SignatureCheck.Verifier {

  /** Entries kept: about 1 KiB each with an RSA-2048 signature. */
  static final int MAX_ENTRIES = 4096;

  private record Key(PublicKey key, String algorithm, String signature, ByteBuffer digest) {}

  private final Cache<Key, Boolean> valid = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).build();
  private final SignatureCheck.Verifier delegate;

  /** Memoizes {@link SignatureCheck#DIRECT}. */
  VerifiedSignatures() {
    this(SignatureCheck.DIRECT);
  }

  /** Memoizes the successes of {@code delegate}. */
  VerifiedSignatures(SignatureCheck.Verifier delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean verify(
      PublicKey key, String algorithm, byte[] data, byte[] signature, String signatureText) {
    Key k;
    try {
      k =
          new Key(
              key,
              algorithm,
              signatureText,
              ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(data)));
    } catch (NoSuchAlgorithmException e) {
      return delegate.verify(key, algorithm, data, signature, signatureText);
    }
    if (valid.getIfPresent(k) != null) {
      return true;
    }
    boolean ok = delegate.verify(key, algorithm, data, signature, signatureText);
    if (ok) {
      valid.put(k, Boolean.TRUE);
    }
    return ok;
  }
}
