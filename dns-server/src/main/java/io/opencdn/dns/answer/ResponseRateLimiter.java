package io.opencdn.dns.answer;

import io.opencdn.dns.config.RrlConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;

/**
 * Response Rate Limiting per client network (the idea of BIND's RRL, simplified to one account per
 * network): every IPv4 /24 (IPv6 /56) has a token bucket that refills at {@code responsesPerSecond}
 * up to one second's worth. A response that finds the bucket empty is limited; the bucket may go
 * into debt down to {@code window} seconds' worth, so a network that floods stays limited until it
 * has been quiet for a while. Of the limited responses every {@code slip}th is sent as an empty
 * answer with TC set (the client retries over TCP, which is not limited), the others are dropped.
 * This blunts reflection/amplification attacks with spoofed sources while real resolvers behind the
 * same network still get through over TCP.
 *
 * <p>Loopback clients (127.0.0.0/8, ::1) are never limited. The table is a fixed array of {@link
 * #CAPACITY} buckets in sets of {@link #WAYS}, allocated once: a network's set is chosen by a keyed
 * hash of it (the key is random per table, so a flood cannot aim at one set), and a network new to
 * a full set takes the place of the set's least recently used bucket. Every response costs O(1)
 * whatever the table holds (no scan, no allocation), memory never grows, and a flood of spoofed
 * networks can only push out networks that were quiet longer than every other in their set; a
 * network being flooded right now keeps its debt. Thread-safe: a set is updated under one of {@link
 * #LOCKS} striped monitors for a few arithmetic operations.
 */
public final class ResponseRateLimiter {

  /** Outcome for one response. */
  public enum Verdict {
    SEND,
    SLIP,
    DROP
  }

  /** Buckets per set. */
  static final int WAYS = 4;

  /** Buckets in the table (networks tracked at most): 2^18. */
  static final int CAPACITY = 1 << 18;

  /** Striped monitors guarding the sets. */
  static final int LOCKS = 4096;

  private static final long EMPTY = Long.MIN_VALUE;

  private final RrlConfig config;
  private final Clock clock;
  private final long hashKey = new java.security.SecureRandom().nextLong() | 1;
  private final long[] keys = new long[CAPACITY];
  private final long[] last = new long[CAPACITY];
  private final double[] tokens = new double[CAPACITY];
  private final long[] limited = new long[CAPACITY];
  private final Object[] locks = new Object[LOCKS];
  private final java.util.concurrent.atomic.AtomicInteger used =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.LongAdder replaced =
      new java.util.concurrent.atomic.LongAdder();

  public ResponseRateLimiter(RrlConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    java.util.Arrays.fill(last, EMPTY);
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  /** Accounts one UDP response to {@code client} and says what to do with it. */
  public Verdict check(InetAddress client) {
    if (client.isLoopbackAddress()) {
      return Verdict
          .SEND; // cannot be a spoofed victim from outside (kernels drop martians); local tools and
      // tests
    }
    long now = clock.millis();
    long key = networkKey(client);
    int set = set(key);
    int base = set * WAYS;
    synchronized (locks[set & (LOCKS - 1)]) {
      int slot = -1;
      int victim = base;
      for (int i = base; i < base + WAYS; i++) {
        if (last[i] == EMPTY) {
          if (last[victim] != EMPTY) {
            victim = i;
          }
        } else if (keys[i] == key) {
          slot = i;
          break;
        } else if (last[victim] != EMPTY && last[i] < last[victim]) {
          victim = i;
        }
      }
      if (slot < 0) {
        slot = victim;
        if (last[slot] == EMPTY) {
          used.incrementAndGet();
        } else {
          replaced.increment();
        }
        keys[slot] = key;
        tokens[slot] = config.responsesPerSecond();
        last[slot] = now;
        limited[slot] = 0;
      }
      return take(slot, now);
    }
  }

  /** Networks currently tracked (at most {@link #CAPACITY}). */
  public int networks() {
    return used.get();
  }

  /** Networks whose bucket went to another network (the table was full in their set). */
  public long replaced() {
    return replaced.sum();
  }

  /** The set of a network key: a keyed mix (Stafford variant 13 of the SplitMix64 finaliser). */
  private int set(long key) {
    long z = (key ^ hashKey) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z = z ^ (z >>> 31);
    return (int) (z & (CAPACITY / WAYS - 1));
  }

  /** Refills and takes one token of bucket {@code i}; caller holds its set's monitor. */
  private Verdict take(int i, long now) {
    double rate = config.responsesPerSecond();
    tokens[i] = Math.min(rate, tokens[i] + (now - last[i]) * rate / 1000.0);
    last[i] = Math.max(last[i], now);
    tokens[i] = Math.max(tokens[i] - 1, -rate * config.window());
    if (tokens[i] >= 0) {
      return Verdict.SEND;
    }
    limited[i]++;
    return config.slip() > 0 && limited[i] % config.slip() == 0 ? Verdict.SLIP : Verdict.DROP;
  }

  /**
   * The client's network as a long: IPv4 as a non-negative value, IPv6 (/prefix <= 63) shifted
   * right by one with the sign bit set.
   */
  long networkKey(InetAddress client) {
    byte[] a = client.getAddress();
    if (client instanceof Inet4Address) {
      int v = ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
      int prefix = config.ipv4Prefix();
      int mask = prefix == 32 ? -1 : ~(-1 >>> prefix);
      return (v & mask) & 0xFFFF_FFFFL;
    }
    long hi = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (a[i] & 0xFF);
    }
    int prefix = config.ipv6Prefix();
    long mask = ~(-1L >>> prefix);
    return ((hi & mask) >>> 1) | Long.MIN_VALUE;
  }
}
