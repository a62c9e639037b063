package io.opencdn.dns.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Response Rate Limiting per client network (the idea of BIND's RRL, simplified to one account
 * per network): every IPv4 /24 (IPv6 /56) has a token bucket that refills at
 * {@code responsesPerSecond} up to one second's worth. A response that finds the bucket empty is
 * limited; the bucket may go into debt down to {@code window} seconds' worth, so a network that
 * floods stays limited until it has been quiet for a while. Of the limited responses every
 * {@code slip}th is sent as an empty answer with TC set (the client retries over TCP, which is not
 * limited), the others are dropped. This blunts reflection/amplification attacks with spoofed
 * sources while real resolvers behind the same network still get through over TCP.
 *
 * <p>Loopback clients (127.0.0.0/8, ::1) are never limited. The table holds at most {@link #MAX_NETWORKS} networks; when full, networks idle for longer
 * than the window are evicted. Thread-safe; each bucket is updated under its own monitor for a few
 * arithmetic operations.
 */
public final class ResponseRateLimiter {

  /** Outcome for one response. */
  public enum Verdict { SEND, SLIP, DROP }

  static final int MAX_NETWORKS = 200_000;

  private final RrlConfig config;
  private final Clock clock;
  private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

  public ResponseRateLimiter(RrlConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Accounts one UDP response to {@code client} and says what to do with it. */
  public Verdict check(InetAddress client) {
    if (client.isLoopbackAddress()) {
      return Verdict.SEND; // cannot be a spoofed victim from outside (kernels drop martians); local tools and tests
    }
    long now = clock.millis();
    long key = networkKey(client);
    Bucket bucket = buckets.get(key);
    if (bucket == null) {
      if (buckets.size() >= MAX_NETWORKS) {
        evictIdle(now);
      }
      bucket = buckets.computeIfAbsent(key, k -> new Bucket(config.responsesPerSecond(), now));
    }
    return bucket.take(now, config);
  }

  /** Networks currently tracked. */
  public int networks() {
    return buckets.size();
  }

  private void evictIdle(long now) {
    long idle = config.window() * 1000L;
    buckets.values().removeIf(b -> now - b.last() > idle);
    if (buckets.size() >= MAX_NETWORKS) {
      buckets.clear(); // a spoofed flood across all networks: start over rather than grow
    }
  }

  /** The client's network as a long: IPv4 as a non-negative value, IPv6 (/prefix <= 63) shifted right by one with the sign bit set. */
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

  private static final class Bucket {
    private double tokens;
    private long last;
    private long limited;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized long last() {
      return last;
    }

    synchronized Verdict take(long now, RrlConfig c) {
      double rate = c.responsesPerSecond();
      tokens = Math.min(rate, tokens + (now - last) * rate / 1000.0);
      last = Math.max(last, now);
      tokens = Math.max(tokens - 1, -rate * c.window());
      if (tokens >= 0) {
        return Verdict.SEND;
      }
      limited++;
      return c.slip() > 0 && limited % c.slip() == 0 ? Verdict.SLIP : Verdict.DROP;
    }
  }
}
