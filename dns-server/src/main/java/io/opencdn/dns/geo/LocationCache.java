package io.opencdn.dns.geo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A bounded cache in front of a {@link LocationChain}, keyed by the client's /24 (IPv4) or /48
 * (IPv6), for the query path. It never changes an answer: a result is cached for a /24 only when
 * every address of that /24 is certain to get the same location from the chain, that is
 *
 * <ul>
 *   <li>the network that decided (its {@link ClientLocation#prefixLength()}, which becomes the ECS
 *       scope, RFC 7871 7.2.1) contains the whole /24: prefix length at most 24 (48), so the
 *       default location (prefix = the whole address) is never cached;
 *   <li>and no coverage zone longer than /24 (/48) lies inside that /24 (such a zone would decide
 *       for some of its addresses and not for the others).
 * </ul>
 *
 * An IPv4 /24 that the GeoIP database splits into longer networks (a /26, a /27...) is cached part
 * by part instead: each network met is kept with its own location (at most {@value #MAX_PARTS} per
 * /24), and an address is a hit when it falls in one of them.
 *
 * <p>A hit returns the cached location {@linkplain ClientLocation#withAddress with the queried
 * address}, so the located network, prefix length (the ECS scope), source and coordinates are those
 * of an uncached lookup. Every entry remembers the coverage table it was computed with; a
 * coverage-file reload installs a new table, which empties the cache and makes older entries
 * misses. A network is cached from its second miss on ({@link Doorkeeper}), so a stream of one-off
 * networks does not churn the cache. This relies on the City step reporting its record's real
 * network (as {@link GeoDatabase} does: every address of an MMDB network gets the same record).
 *
 * <p>Each cached network can also keep one value of the caller's ({@link Slot#kept}, of type {@code
 * K}), derived from its location, which lives and dies with the entry: the answer stage keeps its
 * routing decision there, so a query costs one cache lookup instead of two. The cache knows nothing
 * of that value but its type.
 *
 * <p>Thread-safe, lock-free on hits.
 *
 * @param <K> what a caller keeps per cached network
 */
public final class LocationCache<K> implements GeoLocator {

  /**
   * Default number of cached networks: 262,144 client /24s (about 60 MB of heap), because resolvers
   * sending Client Subnet show a server hundreds of thousands of distinct client networks and a
   * miss costs a GeoIP2 tree walk and record decode.
   */
  public static final long DEFAULT_MAX_SIZE = 1 << 18;

  /** IPv4 cache granularity. */
  public static final int PREFIX_V4 = 24;

  /** IPv6 cache granularity. */
  public static final int PREFIX_V6 = 48;

  private static final long V4_TAG = 1L << 62;

  /** What a table holds for a /24 (/48): one network ({@link Slot}) or the parts of a split /24. */
  sealed interface Entry<K> permits Slot, Split {
    /** The cache key of the /24 (/48) the entry belongs to: readers of the IPv4 table check it. */
    long key();
  }

  /**
   * A cached network: its location, the coverage table it was computed with, and one value a caller
   * derived from the location ({@link #kept}), which lives and dies with the entry.
   *
   * @param <K> the caller's value
   */
  public static final class Slot<K> implements Entry<K> {
    /** The cache key of the /24 (/48) the slot belongs to: readers of the IPv4 table check it. */
    private final long key;

    private final CoverageZones table;
    private final ClientLocation location;

    /** For a part of a split /24: its network address and mask (IPv4); 0 and 0 for a whole /24. */
    private final int network;

    private final int mask;

    /**
     * A caller's value derived from this network's location (e.g. a routing decision); null at
     * first.
     */
    private volatile K kept;

    private Slot(long key, CoverageZones table, ClientLocation location, int network, int mask) {
      this.key = key;
      this.table = table;
      this.location = location;
      this.network = network;
      this.mask = mask;
    }

    @Override
    public long key() {
      return key;
    }

    /** The network's location as an uncached lookup of {@code address} gives it. */
    public ClientLocation location(InetAddress address) {
      return location.withAddress(address);
    }

    /** The located network's prefix length: the ECS scope of answers decided on it. */
    public int prefixLength() {
      return location.prefixLength();
    }

    /** The value the caller kept for this network, or null. */
    public K kept() {
      return kept;
    }

    /** Keeps {@code value} for this network (replacing the one kept before). */
    public void keep(K value) {
      kept = value;
    }
  }

  /** Most networks remembered inside one split /24. */
  static final int MAX_PARTS = 16;

  /**
   * An IPv4 /24 that holds several GeoIP networks (longer than /24): the ones met so far, each a
   * {@link Slot} of its own. An address in none of them is a miss.
   */
  private static final class Split<K> implements Entry<K> {
    private final long key;
    private final CoverageZones table;
    private volatile Slot<K>[] parts = slots(0);

    Split(long key, CoverageZones table) {
      this.key = key;
      this.table = table;
    }

    @Override
    public long key() {
      return key;
    }

    Slot<K> find(int address) {
      // read through the IPv4 table without a lock, a Split may be seen before its field
      // initializer: no parts yet
      Slot<K>[] p = parts;
      if (p == null) {
        return null;
      }
      for (Slot<K> s : p) {
        if ((address & s.mask) == s.network) {
          return s;
        }
      }
      return null;
    }

    synchronized void add(Slot<K> slot) {
      Slot<K>[] p = parts == null ? slots(0) : parts;
      if (p.length >= MAX_PARTS) {
        return;
      }
      for (Slot<K> s : p) {
        if (s.network == slot.network && s.mask == slot.mask) {
          return;
        }
      }
      Slot<K>[] next = java.util.Arrays.copyOf(p, p.length + 1);
      next[p.length] = slot;
      parts = next;
    }
  }

  /**
   * A coverage table, the cache keys of the /24s (/48s) that hold a longer coverage zone, and the
   * IPv4 entries computed with that table.
   */
  private record Generation<K>(CoverageZones table, Set<Long> split, V4Table<K> v4) {
    boolean uncached(long key) {
      return !split.isEmpty() && split.contains(key);
    }
  }

  @SuppressWarnings("unchecked")
  static <K> Entry<K>[] entries(int n) {
    return (Entry<K>[]) new Entry<?>[n];
  }

  @SuppressWarnings("unchecked")
  private static <K> Slot<K>[] slots(int n) {
    return (Slot<K>[]) new Slot<?>[n];
  }

  private final LocationChain chain;

  /** Per IPv6 /48: a {@link Slot} (IPv4 entries are in the generation's {@link V4Table}). */
  private final Cache<Long, Entry<K>> cache;

  private final long maxSize;
  private final Doorkeeper doorkeeper;
  private volatile Generation<K> generation;

  /** A cache of at most {@code maxSize} networks in front of {@code chain}. */
  public LocationCache(LocationChain chain, long maxSize) {
    this.chain = chain;
    this.maxSize = maxSize;
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
    this.generation = new Generation<>(null, Set.of(), new V4Table<>(maxSize));
    // as many slots as entries: a network seen again within about maxSize other misses is admitted
    this.doorkeeper = new Doorkeeper((int) Math.min(maxSize, 1 << 22));
  }

  /** A cache of {@link #DEFAULT_MAX_SIZE} networks in front of {@code chain}. */
  public LocationCache(LocationChain chain) {
    this(chain, DEFAULT_MAX_SIZE);
  }

  /** The chain behind the cache. */
  public LocationChain chain() {
    return chain;
  }

  @Override
  public Optional<ClientLocation> locate(InetAddress address) {
    Generation<K> g = generation(chain.coverageTable());
    byte[] bytes = address.getAddress();
    long key = key(bytes);
    if (g.uncached(key)) {
      return chain.locate(address);
    }
    Slot<K> hit = cached(g, key, bytes);
    if (hit != null) {
      return Optional.of(hit.location(address));
    }
    ClientLocation found = chain.trace(address, null);
    if (found != null) {
      remember(g, key, bytes, found);
    }
    return Optional.ofNullable(found);
  }

  private Slot<K> cached(Generation<K> g, long key, byte[] bytes) {
    Entry<K> hit = present(g, key, bytes);
    if (hit instanceof Slot<K> s) {
      return s.table == g.table() ? s : null;
    }
    if (hit instanceof Split<K> split && split.table == g.table() && bytes.length == 4) {
      return split.find(v4(bytes));
    }
    return null;
  }

  private Entry<K> present(Generation<K> g, long key, byte[] bytes) {
    return bytes.length == 4 ? g.v4().get(v4(bytes) >>> 8, key) : cache.getIfPresent(key);
  }

  private void put(Generation<K> g, long key, byte[] bytes, Entry<K> entry) {
    if (bytes.length == 4) {
      g.v4().put(v4(bytes) >>> 8, entry);
    } else {
      cache.put(key, entry);
    }
  }

  /**
   * Caches what the chain found for an address of the /24 (/48) {@code key}: for the whole /24 when
   * the deciding network holds it; as one part of a split IPv4 /24 when the deciding network is a
   * GeoIP network longer than /24 (every address of an MMDB network gets the same record, and
   * coverage zones longer than /24 never get here: such /24s are not cached at all); never the
   * default location (prefix = the whole address).
   */
  private void remember(Generation<K> g, long key, byte[] bytes, ClientLocation found) {
    CoverageZones table = g.table();
    int prefix = found.prefixLength();
    if (prefix <= (bytes.length == 4 ? PREFIX_V4 : PREFIX_V6)) {
      if (doorkeeper.admit(key)) {
        put(g, key, bytes, new Slot<>(key, table, found, 0, 0));
      }
      return;
    }
    if (bytes.length != 4 || prefix >= 32) {
      return;
    }
    Split<K> split = present(g, key, bytes) instanceof Split<K> s && s.table == table ? s : null;
    if (split == null) {
      if (!doorkeeper.admit(key)) {
        return;
      }
      split = new Split<>(key, table);
      put(g, key, bytes, split);
    }
    int mask = -1 << (32 - prefix);
    split.add(new Slot<>(key, table, found, v4(bytes) & mask, mask));
  }

  private static int v4(byte[] a) {
    return (a[0] & 0xff) << 24 | (a[1] & 0xff) << 16 | (a[2] & 0xff) << 8 | (a[3] & 0xff);
  }

  /**
   * The cached network of {@code address}, or null when it is not cached now (then {@link #locate}
   * answers, and may cache it). A slot's location holds for every address of its /24 (/48), and its
   * {@link Slot#kept} value lets a caller keep a value derived from it.
   */
  public Slot<K> slot(InetAddress address) {
    Generation<K> g = generation(chain.coverageTable());
    byte[] bytes = address.getAddress();
    long key = key(bytes);
    if (g.uncached(key)) {
      return null;
    }
    return cached(g, key, bytes);
  }

  /**
   * Loads the entries of the IPv4 /24s {@code nets[0..n)} (each the address shifted right by 8) and
   * puts each whole /24's {@link Slot#kept} value in {@code kept[i]} (null when there is none): a
   * burst's lookups done side by side, so that their cache misses overlap, before the queries are
   * answered one by one. Only reads; what a later {@link #slot} returns is unaffected.
   */
  public void warm(int[] nets, int n, K[] kept) {
    generation.v4().warm(nets, n, kept);
  }

  /** Drops every cached location (the next lookups go through the chain). */
  public synchronized void invalidate() {
    Generation<K> g = generation;
    generation = new Generation<>(g.table(), g.split(), new V4Table<>(maxSize));
    cache.invalidateAll();
  }

  /** Number of cached networks (/24s, /48s; counts every entry: for tests and metrics). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize() + generation.v4().size();
  }

  private Generation<K> generation(CoverageZones table) {
    Generation<K> g = generation;
    if (g.table() == table) {
      return g;
    }
    Set<Long> split = new HashSet<>();
    for (CoverageZones.Zone z : table.zones()) {
      byte[] net = z.network().bytes();
      if (z.network().prefix() > (net.length == 4 ? PREFIX_V4 : PREFIX_V6)) {
        split.add(key(net));
      }
    }
    Generation<K> next = new Generation<>(table, Set.copyOf(split), new V4Table<>(maxSize));
    generation = next;
    cache.invalidateAll();
    return next;
  }

  /** The cache key of an address: its /24 (tagged) for IPv4, its /48 for IPv6. */
  public static long key(byte[] a) {
    if (a.length == 4) {
      return V4_TAG | (a[0] & 0xffL) << 16 | (a[1] & 0xffL) << 8 | (a[2] & 0xffL);
    }
    long k = 0;
    for (int i = 0; i < 6; i++) {
      k = k << 8 | (a[i] & 0xffL);
    }
    return k;
  }
}
