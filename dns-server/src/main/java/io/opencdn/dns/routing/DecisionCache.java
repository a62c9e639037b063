package io.opencdn.dns.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.geo.Doorkeeper;
import io.opencdn.dns.geo.LocationCache;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bounded cache of {@link Decision}s of {@linkplain PolicyChain#cacheable() cacheable} policy
 * chains, for the query path of {@link Router}. Such a chain is a pure function of the edge
 * snapshot, the latency table, the client location, its latency prefix and network hash, the answer
 * count, and of the time only through which latency measurements are fresh ({@link LatencyRank}).
 * So an entry is keyed by (chain, client coordinates, country, continent, group, latency prefix,
 * network hash, count); a hit is returned with the querying client's own {@link ClientLocation} in
 * {@link Decision#client()}. An entry belongs to one generation of (snapshot, latency table)
 * contents, and is valid only for the time window in which no measurement of the client's prefix
 * changes freshness. A new snapshot or a latency table with other contents starts a new generation
 * and empties the cache; a table refreshed with equal contents keeps it. Inputs are cached from
 * their second miss on ({@link Doorkeeper}). Decisions are immutable, so a hit is the same value an
 * uncached run would produce. Thread-safe.
 */
final class DecisionCache {

  /** Default number of cached decisions (one per client network, like {@link LocationCache}). */
  static final long DEFAULT_MAX_SIZE = 1 << 18;

  /** Beyond this a timestamp or age could overflow the window arithmetic: not cached. */
  private static final long SANE = 1L << 60;

  /**
   * What a decision depends on: the chain, the client's coordinates, country, continent and group
   * (the only location fields policies read), its latency prefix (as a number, see {@link
   * LocationCache#key}), network hash and the count. Cheap to hash: no per-query strings.
   */
  private record Key(
      PolicyChain chain,
      boolean located,
      double latitude,
      double longitude,
      String country,
      String continent,
      String group,
      long prefix,
      int subnetHash,
      int count) {

    static Key of(PolicyChain chain, ClientLocation c, int subnetHash, int count) {
      if (c == null) {
        return new Key(
            chain, false, Double.NaN, Double.NaN, null, null, null, NO_PREFIX, subnetHash, count);
      }
      long prefix = c.address() == null ? NO_PREFIX : LocationCache.key(c.address().getAddress());
      return new Key(
          chain,
          true,
          c.latitude(),
          c.longitude(),
          c.country(),
          c.continent(),
          c.group(),
          prefix,
          subnetHash,
          count);
    }
  }

  private static final long NO_PREFIX = -1;

  private record Entry(long generation, long validFrom, long validUntil, Decision decision) {}

  private record Inputs(EdgeSnapshot snapshot, LatencyTable latency, long generation) {}

  private final Cache<Key, Entry> cache;
  private final Doorkeeper doorkeeper;
  private final AtomicReference<Inputs> inputs = new AtomicReference<>(new Inputs(null, null, 0));

  DecisionCache(long maxSize) {
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).executor(Runnable::run).build();
    this.doorkeeper = new Doorkeeper((int) Math.min(maxSize, 1 << 22));
  }

  /**
   * The decision of {@code chain} for these inputs at {@code now}, from the cache or computed (and
   * cached).
   */
  Decision decide(
      PolicyChain chain,
      EdgeSnapshot snapshot,
      LatencyTable table,
      ClientLocation client,
      int subnetHash,
      int count,
      long now) {
    return decideValid(chain, snapshot, table, client, subnetHash, count, now).decision();
  }

  /**
   * A decision with what it holds for: the generation of its (snapshot, latency table) inputs and
   * the time window [from, until] ({@code from > until} when it must not be reused).
   */
  record Valid(PolicyChain chain, long generation, long from, long until, Decision decision) {}

  /**
   * {@link #decide}, with the validity of the result (for callers that keep it, {@link #holds}).
   */
  Valid decideValid(
      PolicyChain chain,
      EdgeSnapshot snapshot,
      LatencyTable table,
      ClientLocation client,
      int subnetHash,
      int count,
      long now) {
    long generation = generation(snapshot, table);
    Key key = Key.of(chain, client, subnetHash, count);
    Entry hit = cache.getIfPresent(key);
    if (hit != null
        && hit.generation() == generation
        && now >= hit.validFrom()
        && now <= hit.validUntil()) {
      Decision d =
          hit.decision().client() == client ? hit.decision() : hit.decision().withClient(client);
      return new Valid(chain, generation, hit.validFrom(), hit.validUntil(), d);
    }
    String prefix = Router.clientPrefix(client);
    Decision decision =
        chain.decide(
            new RouteContext(snapshot, table, client, prefix, subnetHash, now, false), count);
    long[] window = window(chain, snapshot, table, prefix, now);
    if (window != null && doorkeeper.admit(key.hashCode())) {
      cache.put(key, new Entry(generation, window[0], window[1], decision));
    }
    return window == null
        ? new Valid(chain, generation, 1, 0, decision)
        : new Valid(chain, generation, window[0], window[1], decision);
  }

  /**
   * True when a {@link Valid} of {@code generation}, valid from {@code from} to {@code until}, is
   * still the decision its chain would make at {@code now}.
   */
  boolean holds(
      long generation, long from, long until, EdgeSnapshot snapshot, LatencyTable table, long now) {
    return now >= from && now <= until && generation(snapshot, table) == generation;
  }

  /** Number of cached decisions (approximate). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The generation of (snapshot, table): unchanged while both keep their contents. */
  private long generation(EdgeSnapshot snapshot, LatencyTable table) {
    while (true) {
      Inputs cur = inputs.get();
      if (cur.snapshot() == snapshot && cur.latency() == table) {
        return cur.generation();
      }
      boolean same =
          cur.snapshot() != null && cur.snapshot().equals(snapshot) && cur.latency().equals(table);
      Inputs next = new Inputs(snapshot, table, same ? cur.generation() : cur.generation() + 1);
      if (inputs.compareAndSet(cur, next)) {
        if (!same) {
          cache.invalidateAll();
        }
        return next.generation();
      }
    }
  }

  /**
   * The times [from, until] around {@code now} during which every measurement from {@code prefix}
   * to a snapshot edge keeps its freshness for every latency policy of the chain (see {@link
   * LatencyTable#fresh}), or null when the figures are too odd to reason about.
   */
  private static long[] window(
      PolicyChain chain, EdgeSnapshot snapshot, LatencyTable table, String prefix, long now) {
    long from = Long.MIN_VALUE;
    long until = Long.MAX_VALUE;
    long[] ages = chain.latencyMaxAgesMillis();
    if (ages.length == 0 || prefix == null || table.samples().isEmpty()) {
      return new long[] {from, until};
    }
    if (odd(now)) {
      return null;
    }
    for (Edge e : snapshot.edges()) {
      LatencyTable.Sample s = table.samples().get(new LatencyKey(prefix, e.id()));
      if (s == null) {
        continue;
      }
      long at = s.measuredAtMillis();
      if (odd(at)) {
        return null;
      }
      for (long age : ages) {
        if (odd(age)) {
          return null;
        }
        // fresh exactly when at - 60 s <= now <= at + age
        long start = at - 60_000;
        long end = at + age;
        if (now < start) {
          until = Math.min(until, start - 1);
        } else if (now <= end) {
          from = Math.max(from, start);
          until = Math.min(until, end);
        } else {
          from = Math.max(from, end + 1);
        }
      }
    }
    return new long[] {from, until};
  }

  private static boolean odd(long v) {
    return v > SANE || v < -SANE;
  }
}
