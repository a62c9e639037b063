package io.opencdn.dns.routing;

import io.opencdn.dns.config.PolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The policies of one geo-routed name, applied in order to every known edge, followed by "top-k":
 * the first {@code count} ranked edges having an IPv4 address form the A answer and the first
 * {@code count} having an IPv6 address the AAAA answer. Pure and immutable.
 */
public final class PolicyChain {

  private final List<Policy> policies;
  private final boolean cacheable;
  private final long[] latencyMaxAgesMillis;

  public PolicyChain(List<Policy> policies) {
    this.policies = List.copyOf(policies);
    boolean known = true;
    List<Long> ages = new ArrayList<>();
    for (Policy p : this.policies) {
      known &= p.cacheable();
      if (p.latencyMaxAgeMillis() > 0) {
        ages.add(p.latencyMaxAgeMillis());
      }
    }
    this.cacheable = known;
    this.latencyMaxAgesMillis = ages.stream().mapToLong(Long::longValue).toArray();
  }

  /** The chain described by config entries. */
  public static PolicyChain of(List<PolicySpec> specs) {
    return new PolicyChain(specs.stream().map(PolicyChain::policy).toList());
  }

  /** The policy a config entry describes. */
  public static Policy policy(PolicySpec spec) {
    return switch (spec.name()) {
      case "health" -> new HealthFilter(spec.panicShare());
      case "geofence" ->
          new GeoFence(
              Set.copyOf(spec.allowCountries()),
              Set.copyOf(spec.denyCountries()),
              Set.copyOf(spec.allowContinents()),
              Set.copyOf(spec.denyContinents()));
      case "distance" -> new DistanceRank(spec.bucketKm());
      case "latency" -> new LatencyRank(spec.maxAgeSeconds(), spec.toleranceMillis());
      case "spill" -> new CapacitySpill(spec.width(), spec.threshold());
      default -> throw new IllegalStateException(spec.name());
    };
  }

  /** The policies in order. */
  public List<Policy> policies() {
    return policies;
  }

  /**
   * True when every policy is {@link Policy#cacheable() cacheable} (the built-in health, geofence,
   * distance, latency and spill are): then the decision is a function of the snapshot, the latency
   * table, the client, its network hash, the count and, through the latency policies only, of which
   * measurements are fresh at the time ({@link #latencyMaxAgesMillis()}). {@link Router} caches
   * such decisions.
   */
  public boolean cacheable() {
    return cacheable;
  }

  /** The {@code maxAgeSeconds} of the chain's latency policies, in ms (empty without one). */
  public long[] latencyMaxAgesMillis() {
    return latencyMaxAgesMillis.clone();
  }

  /** Runs the chain for {@code ctx}, answering with up to {@code count} edges per family. */
  public Decision decide(RouteContext ctx, int count) {
    List<Candidate> all = ctx.snapshot().edges().stream().map(e -> Candidate.of(e, ctx)).toList();
    Ranking r = new Ranking(all, false, List.of());
    for (Policy p : policies) {
      r = p.apply(r, ctx);
    }
    List<Edge> v4 = new ArrayList<>();
    List<Edge> v6 = new ArrayList<>();
    for (Candidate c : r.candidates()) {
      if (c.edge().ipv4() != null && v4.size() < count) {
        v4.add(c.edge());
      }
      if (c.edge().ipv6() != null && v6.size() < count) {
        v6.add(c.edge());
      }
    }
    List<String> notes = r.notes();
    if (ctx.explain()) {
      notes = new ArrayList<>(notes);
      notes.add(
          "top-"
              + count
              + ": A "
              + v4.stream().map(Edge::id).toList()
              + ", AAAA "
              + v6.stream().map(Edge::id).toList());
    }
    return new Decision(ctx.client(), all, r.candidates(), v4, v6, r.panic(), notes);
  }
}
