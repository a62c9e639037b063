package io.opencdn.origin.gen;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic content of a synthetic object: an endless stream of printable ASCII bytes
 * ({@code A-Z a-z 0-9 - _}) derived only from a seed string (the request path, plus the value of
 * the header named by {@code vary=} when present). Any byte can be computed from its offset alone,
 * so a test can check a full body or any range without keeping a copy:
 *
 * <pre>{@code
 * byte[] expected = SyntheticBody.bytes("/gen/a.bin", 1000);
 * byte[] slice = SyntheticBody.of("/gen/a.bin").bytes(100, 50); // bytes 100..149
 * }</pre>
 */
public final class SyntheticBody {

  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);

  private final long seed;

  private SyntheticBody(long seed) {
    this.seed = seed;
  }

  /** The body generated for {@code seed} (normally the request path). */
  public static SyntheticBody of(String seed) {
    return new SyntheticBody(ByteBuffer.wrap(sha256(seed)).getLong());
  }

  /**
   * The first {@code size} bytes of the body for {@code seed}: what {@code GET seed?size=N}
   * returns.
   */
  public static byte[] bytes(String seed, int size) {
    return of(seed).bytes(0, size);
  }

  /** {@code length} bytes starting at {@code offset}. */
  public byte[] bytes(long offset, int length) {
    byte[] out = new byte[length];
    long block = -1;
    long bits = 0;
    for (int k = 0; k < length; k++) {
      long i = offset + k;
      if ((i >>> 3) != block) {
        block = i >>> 3;
        bits = mix(seed + block * 0x9E3779B97F4A7C15L);
      }
      out[k] = ALPHABET[(int) ((bits >>> ((i & 7) * 8)) & 63)];
    }
    return out;
  }

  /** {@code length} bytes starting at {@code offset}, as a Vert.x buffer. */
  public Buffer buffer(long offset, int length) {
    return Buffer.buffer(bytes(offset, length));
  }

  /** SplitMix64 finalizer: a fast, well-distributed bijection on 64-bit values. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
