package io.opencdn.dns.geo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A bounded cache in front of a {@link LocationChain}, keyed by the client's /24 (IPv4) or /48
 * (IPv6), for the query path. It never changes an answer: a result is cached for a /24 only
 * when every address of that /24 is certain to get the same location from the chain, that is
 *
 * <ul>
 *   <li>the network that decided (its {@link ClientLocation#prefixLength()}, which becomes the
 *       ECS scope, RFC 7871 7.2.1) contains the whole /24: prefix length at most 24 (48), so the
 *       default location (prefix = the whole address) is never cached;
 *   <li>and no coverage zone longer than /24 (/48) lies inside that /24 (such a zone would
 *       decide for some of its addresses and not for the others).
 * </ul>
 *
 * A hit returns the cached location {@linkplain ClientLocation#withAddress with the queried
 * address}, so the located network, prefix length (the ECS scope), source and coordinates are
 * those of an uncached lookup. Every entry remembers the coverage table it was computed with; a
 * coverage-file reload installs a new table, which empties the cache and makes older entries
 * misses. A network is cached from its second miss on ({@link Doorkeeper}), so a stream of
 * one-off networks does not churn the cache. This relies on the City step reporting its record's real network (as
 * {@link GeoDatabase} does: every address of an MMDB network gets the same record).
 *
 * <p>When the chain's coverage step is not a {@link CoverageZones} or {@link CoverageFile},
 * nothing is cached. Thread-safe, lock-free on hits.
 */
public final class LocationCache implements GeoLocator {

  /**
   * Default number of cached networks: 262,144 client /24s (about 60 MB of heap), because
   * resolvers sending Client Subnet show a server hundreds of thousands of distinct client
   * networks and a miss costs a GeoIP2 tree walk and record decode.
   */
  public static final long DEFAULT_MAX_SIZE = 1 << 18;
  /** IPv4 cache granularity. */
  public static final int PREFIX_V4 = 24;
  /** IPv6 cache granularity. */
  public static final int PREFIX_V6 = 48;

  private static final long V4_TAG = 1L << 62;

  /**
   * A cached network: its location, the coverage table it was computed with, and one value a
   * caller derived from the location ({@link #memo}), which lives and dies with the entry.
   */
  public static final class Slot {
    private final CoverageZones table;
    private final ClientLocation location;
    /** A caller's value derived from this network's location (e.g. a routing decision); null at first. */
    public volatile Object memo;

    private Slot(CoverageZones table, ClientLocation location) {
      this.table = table;
      this.location = location;
    }

    /** The network's location as an uncached lookup of {@code address} gives it. */
    public ClientLocation location(InetAddress address) {
      return location.withAddress(address);
    }

    /** The located network's prefix length: the ECS scope of answers decided on it. */
    public int prefixLength() {
      return location.prefixLength();
    }
  }

  /** A coverage table and the cache keys of the /24s (/48s) that hold a longer coverage zone. */
  private record Generation(CoverageZones table, Set<Long> split) {}

  private final LocationChain chain;
  private final Cache<Long, Slot> cache;
  private final Doorkeeper doorkeeper;
  private volatile Generation generation = new Generation(null, Set.of());

  /** A cache of at most {@code maxSize} networks in front of {@code chain}. */
  public LocationCache(LocationChain chain, long maxSize) {
    this.chain = chain;
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
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
    CoverageZones table = chain.coverageTable();
    if (table == null) {
      return chain.locate(address);
    }
    Generation g = generation(table);
    byte[] bytes = address.getAddress();
    Long key = key(bytes);
    if (g.split().contains(key)) {
      return chain.locate(address);
    }
    Slot hit = cache.getIfPresent(key);
    if (hit != null && hit.table == table) {
      return Optional.of(hit.location(address));
    }
    ClientLocation found = chain.trace(address, null);
    if (found != null && found.prefixLength() <= (bytes.length == 4 ? PREFIX_V4 : PREFIX_V6) && doorkeeper.admit(key)) {
      cache.put(key, new Slot(table, found));
    }
    return Optional.ofNullable(found);
  }

  /**
   * The cached network of {@code address}, or null when it is not cached now (then
   * {@link #locate} answers, and may cache it). A slot's location holds for every address of its
   * /24 (/48), and its {@link Slot#memo} lets a caller keep a value derived from it.
   */
  public Slot slot(InetAddress address) {
    CoverageZones table = chain.coverageTable();
    if (table == null) {
      return null;
    }
    Generation g = generation(table);
    Long key = key(address.getAddress());
    if (g.split().contains(key)) {
      return null;
    }
    Slot hit = cache.getIfPresent(key);
    return hit != null && hit.table == table ? hit : null;
  }

  /** Drops every cached location (the next lookups go through the chain). */
  public void invalidate() {
    cache.invalidateAll();
  }

  /** Number of cached networks (approximate; for tests and metrics). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private Generation generation(CoverageZones table) {
    Generation g = generation;
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
    Generation next = new Generation(table, Set.copyOf(split));
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
