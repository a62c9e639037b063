package io.opencdn.dns.routing;

import io.opencdn.dns.config.PolicySpec;
import io.opencdn.dns.config.RouteConfig;
import io.opencdn.dns.geo.ClientLocation;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The {@link RoutingPolicy} of the server: one {@link PolicyChain} per geo-routed name (from the
 * {@code policies:} list of each routing entry), run over the current edge snapshot and latency
 * table at the time of the injected clock.
 *
 * <p>{@link #select(Name, EdgeSnapshot, Family, ClientLocation, int, int)} uses the chain of the
 * name; the name-less {@link #select(EdgeSnapshot, Family, ClientLocation, int, int)} uses the
 * chain of the only routed name, or the default chain when several names are routed.
 */
public final class Router implements RoutingPolicy {

  private final Map<Name, PolicyChain> chains;
  private final PolicyChain fallback;
  private final LatencySource latency;
  private final Clock clock;
  private final DecisionCache decisions = new DecisionCache(DecisionCache.DEFAULT_MAX_SIZE);

  /**
   * A router.
   *
   * @param chains chain per routed name
   * @param latency latency measurements
   * @param clock time of the decisions (measurement ages)
   */
  public Router(Map<Name, PolicyChain> chains, LatencySource latency, Clock clock) {
    this.chains = Map.copyOf(chains);
    this.fallback =
        chains.size() == 1
            ? chains.values().iterator().next()
            : PolicyChain.of(PolicySpec.DEFAULT_CHAIN);
    this.latency = latency;
    this.clock = clock;
  }

  /** A router for routing entries given as name -> policy specs. */
  public static Router of(Map<Name, List<PolicySpec>> specs, LatencySource latency, Clock clock) {
    Map<Name, PolicyChain> chains = new HashMap<>();
    specs.forEach((n, s) -> chains.put(n, PolicyChain.of(s)));
    return new Router(chains, latency, clock);
  }

  /** The router of the config's {@code routing} entries: one policy chain per geo-routed name. */
  public static Router of(List<RouteConfig> routes, LatencySource latency, Clock clock) {
    return of(specs(routes), latency, clock);
  }

  /** A router for other routing entries with the same latency source and clock (config reloads). */
  public Router withRoutes(List<RouteConfig> routes) {
    return of(specs(routes), latency, clock);
  }

  private static Map<Name, List<PolicySpec>> specs(List<RouteConfig> routes) {
    Map<Name, List<PolicySpec>> specs = new HashMap<>();
    routes.forEach(r -> specs.put(r.fqdn(), r.policies()));
    return specs;
  }

  @Override
  public String name() {
    return "policy-chain";
  }

  /** The chain of {@code name} (the default chain for names not routed). */
  public PolicyChain chain(Name name) {
    return name == null ? fallback : chains.getOrDefault(name, fallback);
  }

  @Override
  public Selection select(
      EdgeSnapshot snapshot, Family family, ClientLocation client, int subnetHash, int count) {
    return decide(null, snapshot, client, subnetHash, count, false).selection(family);
  }

  @Override
  public Selection select(
      Name name,
      EdgeSnapshot snapshot,
      Family family,
      ClientLocation client,
      int subnetHash,
      int count) {
    return decide(name, snapshot, client, subnetHash, count, false).selection(family);
  }

  /**
   * The full decision for {@code name}; with {@code explain} every policy writes a note (never
   * cached). Decisions of {@linkplain PolicyChain#cacheable() cacheable} chains come from the
   * {@link DecisionCache} when the same inputs were decided before.
   */
  public Decision decide(
      Name name,
      EdgeSnapshot snapshot,
      ClientLocation client,
      int subnetHash,
      int count,
      boolean explain) {
    LatencyTable table = latency.current();
    long now = clock.millis();
    PolicyChain chain = chain(name);
    if (explain || !chain.cacheable()) {
      return chain.decide(
          new RouteContext(snapshot, table, client, clientPrefix(client), subnetHash, now, explain),
          count);
    }
    return decisions.decide(chain, snapshot, table, client, subnetHash, count, now);
  }

  /**
   * A decision that a caller may keep and reuse while {@link #holds} says so: what {@link
   * #select(Name, EdgeSnapshot, Family, ClientLocation, int, int)} decides for every client with
   * the same location, latency prefix and network hash. What {@link #holds} reads is in the object
   * itself, and a caller may extend it with its own values ({@link #Kept(Kept)}), so that checking
   * a kept decision touches one object: on a hot path over hundreds of thousands of client
   * networks, every object in the chain is a likely cache miss.
   */
  public static class Kept {
    /** The router and name it was decided by and for: the same again means the same chain. */
    private final Router origin;

    private final Name name;
    private final PolicyChain chain;
    private final long generation;
    private final long from;
    private final long until;
    private final Decision decision;

    private Kept(Router origin, Name name, DecisionCache.Valid valid) {
      this.origin = origin;
      this.name = name;
      this.chain = valid.chain();
      this.generation = valid.generation();
      this.from = valid.from();
      this.until = valid.until();
      this.decision = valid.decision();
    }

    /** A copy of {@code kept}, for a subclass that adds the caller's values. */
    protected Kept(Kept kept) {
      this.origin = kept.origin;
      this.name = kept.name;
      this.chain = kept.chain;
      this.generation = kept.generation;
      this.from = kept.from;
      this.until = kept.until;
      this.decision = kept.decision;
    }

    /** The edges for {@code family}. */
    public List<Edge> edges(Family family) {
      return decision.edges(family);
    }
  }

  /**
   * {@link #decide} for a caller that keeps the result ({@link #holds}); null when the name's chain
   * is not cacheable (a decision of such a chain is made afresh every time).
   */
  public Kept decideKept(
      Name name, EdgeSnapshot snapshot, ClientLocation client, int subnetHash, int count) {
    PolicyChain chain = chain(name);
    if (!chain.cacheable()) {
      return null;
    }
    return new Kept(
        this,
        name,
        decisions.decideValid(
            chain, snapshot, latency.current(), client, subnetHash, count, clock.millis()));
  }

  /**
   * True when {@code kept} is still what this router decides for {@code name}: same chain, edge
   * snapshot and latency table contents, and every latency measurement it used as fresh as then.
   */
  public boolean holds(Kept kept, Name name, EdgeSnapshot snapshot) {
    // a decision that used no latency measurement holds at any time: no clock read on the query
    // path
    long now = kept.from == Long.MIN_VALUE && kept.until == Long.MAX_VALUE ? 0 : clock.millis();
    // chains are fixed per router: kept by this router for this very name, it is the name's chain
    // (no map lookup and name comparison per query)
    PolicyChain current = kept.origin == this && kept.name == name ? kept.chain : chain(name);
    return kept.chain == current
        && decisions.holds(
            kept.generation, kept.from, kept.until, snapshot, latency.current(), now);
  }

  /** The latency key prefix of {@code client}, or null when its address is unknown. */
  static String clientPrefix(ClientLocation client) {
    return client == null || client.address() == null
        ? null
        : LatencyTable.clientPrefix(client.address());
  }

  /** The latency table in use. */
  public LatencyTable latency() {
    return latency.current();
  }
}
