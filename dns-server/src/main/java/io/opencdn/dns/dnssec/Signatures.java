package io.opencdn.dns.dnssec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.dns.config.DnssecAlgorithm;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;

/**
 * RRSIG records (RFC 4034 3) over RRsets, made with OpenSSL where it loads ({@link LibCrypto}),
 * else the JDK's providers, and cached. The cache key is the exact data a signature covers (RFC
 * 4034 3.1.8.1: the RRSIG fields but the signature, i.e. type, algorithm, labels, original TTL, the
 * window's inception and expiration, key tag, signer; then the RRset in canonical form, i.e. owner,
 * type, class, TTL and sorted RDATA), so an RRset signed again by the same key in the same window
 * costs building those bytes, hashing them and a lookup, never a signature. Bounded at {@code
 * capacity} entries (W-TinyLFU).
 */
public final class Signatures {

  /** Default bound: about 30 MB of signatures and keys. */
  public static final int CAPACITY = 65_536;

  private final Cache<Key, RRSIGRecord> cache;
  private final LongAdder made = new LongAdder();
  private final LongAdder hits = new LongAdder();

  public Signatures(int capacity) {
    this.cache = Caffeine.newBuilder().maximumSize(capacity).executor(Runnable::run).build();
  }

  /**
   * The signature window of {@code now}: every signature made between two multiples of {@code
   * refresh} (since the epoch) has the same inception (the window's start, less an hour for clocks
   * behind ours) and expiration (the start plus {@code validity}).
   */
  public record Window(long index, Instant inception, Instant expiration) {
    public static Window at(Instant now, Duration refresh, Duration validity) {
      long step = refresh.getSeconds();
      long index = Math.floorDiv(now.getEpochSecond(), step);
      Instant start = Instant.ofEpochSecond(index * step);
      return new Window(index, start.minusSeconds(3600), start.plus(validity));
    }
  }

  /** The RRSIG of {@code set} by {@code key} in {@code window}, from the cache or made now. */
  public RRSIGRecord sign(RRset set, ZoneKey key, Window window) {
    RRSIGRecord template = rrsig(set, key, window, new byte[0]);
    byte[] data = DNSSEC.digestRRset(template, set);
    Key k = new Key(data);
    RRSIGRecord cached = cache.getIfPresent(k);
    if (cached != null) {
      hits.increment();
      return cached;
    }
    byte[] sig = sign(key.algorithm(), key.privateKey(), data);
    made.increment();
    RRSIGRecord out = rrsig(set, key, window, sig);
    cache.put(k, out);
    return out;
  }

  /** The RRSIG of {@code set} by {@code key} in {@code window} carrying {@code signature}. */
  private static RRSIGRecord rrsig(RRset set, ZoneKey key, Window window, byte[] signature) {
    return new RRSIGRecord(
        set.getName(),
        set.getDClass(),
        set.getTTL(),
        set.getType(),
        key.dnskey().getAlgorithm(),
        set.getTTL(),
        window.expiration(),
        window.inception(),
        key.tag(),
        key.zone(),
        signature);
  }

  /** Signatures made (cache misses). */
  public long made() {
    return made.sum();
  }

  /** Signatures taken from the cache. */
  public long hits() {
    return hits.sum();
  }

  /**
   * {@code data} signed as DNSSEC wants it: r||s for ECDSA (RFC 6605 4), the raw 64 bytes for
   * Ed25519.
   */
  static byte[] sign(DnssecAlgorithm alg, PrivateKey key, byte[] data) {
    if (LibCrypto.AVAILABLE) {
      byte[] out = LibCrypto.sign(alg, key, data);
      if (out != null) {
        return alg == DnssecAlgorithm.ECDSAP256SHA256 ? rawEcdsa(out) : out;
      }
    }
    try {
      Signature s =
          Signature.getInstance(
              alg == DnssecAlgorithm.ECDSAP256SHA256 ? "SHA256withECDSA" : "Ed25519");
      s.initSign(key);
      s.update(data);
      byte[] out = s.sign();
      return alg == DnssecAlgorithm.ECDSAP256SHA256 ? rawEcdsa(out) : out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with " + alg + " failed: " + e.getMessage(), e);
    }
  }

  /** DER {@code SEQUENCE {INTEGER r, INTEGER s}} to 32-byte r and s. */
  static byte[] rawEcdsa(byte[] der) {
    int p = 2;
    if ((der[1] & 0x80) != 0) {
      p += der[1] & 0x7f;
    }
    byte[] out = new byte[64];
    for (int i = 0; i < 2; i++) {
      int len = der[p + 1] & 0xff;
      int start = p + 2;
      int skip = Math.max(0, len - 32);
      int copy = len - skip;
      System.arraycopy(der, start + skip, out, i * 32 + 32 - copy, copy);
      p = start + len;
    }
    return out;
  }

  private static final class Key {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
