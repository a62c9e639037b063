package io.opencdn.dns.geo;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Admits a key into a cache only on its second miss within a short memory: a table of the last key
 * seen per slot. Under a scan of one-off keys (a resolver mix where every network is new, as in
 * {@code bench/dns.sh}) the caches behind it are then not churned by inserts and evictions that
 * never pay off; a key asked twice is cached from its second miss. Each key has two candidate slots
 * and is remembered in one of them, picked at random: with a single slot, two keys sharing it and
 * asked in turn overwrote each other forever and were never admitted (37% of 120,000 networks in
 * {@code bench/dns.sh} with as many slots as keys). Only a hint: races and collisions cost a few
 * more misses. Thread-safe, lock-free.
 */
public final class Doorkeeper {

  private final AtomicLongArray seen;
  private final int mask;

  /** A doorkeeper remembering up to {@code slots} keys (rounded up to a power of two). */
  public Doorkeeper(int slots) {
    int n = Integer.highestOneBit(Math.max(2, slots - 1)) << 1;
    this.seen = new AtomicLongArray(n);
    this.mask = n - 1;
  }

  /**
   * True when {@code key} was seen in one of its slots before (admit it); else remembers it and
   * says false.
   */
  public boolean admit(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    int first = (int) (h >>> 40) & mask;
    int second = (int) (h >>> 16) & mask;
    // store key + 1 so that the zero of an empty slot never matches a key of 0
    long stored = key + 1;
    if (seen.get(first) == stored || seen.get(second) == stored) {
      return true;
    }
    seen.lazySet(
        java.util.concurrent.ThreadLocalRandom.current().nextBoolean() ? first : second, stored);
    return false;
  }
}
