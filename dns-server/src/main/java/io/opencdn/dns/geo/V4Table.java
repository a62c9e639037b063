package io.opencdn.dns.geo;

/**
 * The IPv4 entries of a {@link LocationCache}: a set-associative table of {@value #WAYS}-way
 * buckets, a /24 key per int and the entries in a parallel array. A lookup reads the bucket's ints
 * (one or two cache lines) and then the entry itself, where a hash map would chase a table slot, a
 * node, a boxed key and the value, and an LRU cache would also reorder its access list on every
 * read. A /24 goes to the bucket its hash names; a full bucket gives up one of its entries, picked
 * at random. The ints only point the way: every entry carries its own key and a reader checks it,
 * so a race with a writer costs at most a miss, never another network's location. Plain array
 * accesses suffice for that, because entries are immutable where it matters (final fields).
 *
 * @param <K> what the cache's callers keep per network
 */
final class V4Table<K> {
  static final int WAYS = 16;
  private final int[] keys;
  private final LocationCache.Entry<K>[] entries;
  private final int buckets;

  V4Table(long maxSize) {
    int b = Integer.highestOneBit((int) Math.max(1, Math.min(maxSize, 1 << 26) / WAYS));
    this.buckets = b;
    this.keys = new int[b * WAYS];
    this.entries = LocationCache.entries(b * WAYS);
  }

  /** The tag of a /24 in {@link #keys}: never 0 (an empty way). */
  private static int tag(int slash24) {
    return slash24 + 1;
  }

  private int base(int slash24) {
    return ((slash24 * 0x9E3779B9) >>> 8 & (buckets - 1)) * WAYS;
  }

  LocationCache.Entry<K> get(int slash24, long key) {
    int base = base(slash24);
    int tag = tag(slash24);
    for (int i = base; i < base + WAYS; i++) {
      if (keys[i] == tag) {
        LocationCache.Entry<K> e = entries[i];
        return e != null && e.key() == key ? e : null;
      }
    }
    return null;
  }

  void put(int slash24, LocationCache.Entry<K> entry) {
    int base = base(slash24);
    int tag = tag(slash24);
    int way = -1;
    for (int i = base; i < base + WAYS; i++) {
      if (keys[i] == tag) {
        way = i;
        break;
      }
      if (way < 0 && keys[i] == 0) {
        way = i;
      }
    }
    if (way < 0) {
      way = base + java.util.concurrent.ThreadLocalRandom.current().nextInt(WAYS);
    }
    // the entry first: a reader that sees the new tag with the old entry finds a key mismatch
    entries[way] = entry;
    keys[way] = tag;
  }

  /**
   * Stage by stage for all of {@code nets[0..n)}, each stage's loads independent of one another so
   * that the CPU overlaps their misses: the buckets' tags, then the entries, then each whole /24's
   * {@link LocationCache.Slot#kept} value into {@code kept[i]} (null for none, a split /24 or a
   * miss).
   */
  void warm(int[] nets, int n, K[] kept) {
    int[] first = new int[n];
    LocationCache.Entry<K>[] found = LocationCache.entries(n);
    for (int i = 0; i < n; i++) {
      first[i] = keys[base(nets[i])];
    }
    for (int i = 0; i < n; i++) {
      int base = base(nets[i]);
      int tag = tag(nets[i]);
      LocationCache.Entry<K> e = null;
      if (first[i] == tag) {
        e = entries[base];
      } else {
        for (int w = base + 1; w < base + WAYS; w++) {
          if (keys[w] == tag) {
            e = entries[w];
            break;
          }
        }
      }
      found[i] = e;
    }
    for (int i = 0; i < n; i++) {
      kept[i] = found[i] instanceof LocationCache.Slot<K> s ? s.kept() : null;
    }
  }

  long size() {
    long n = 0;
    for (LocationCache.Entry<K> e : entries) {
      n += e == null ? 0 : 1;
    }
    return n;
  }
}
