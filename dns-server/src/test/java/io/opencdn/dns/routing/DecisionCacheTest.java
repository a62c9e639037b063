package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.config.PolicySpec;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.testing.TestClock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

/**
 * Cached decisions equal what the chain decides for the same inputs, whatever changes between
 * queries.
 */
class DecisionCacheTest {

  static final Name WWW = RouterTest.n("www.cdn.test.");
  static final PolicyChain CHAIN = PolicyChain.of(PolicySpec.DEFAULT_CHAIN);

  static Decision uncached(EdgeSnapshot snap, LatencyTable table, long now, int subnetHash) {
    String prefix = LatencyTable.clientPrefix(LONDON.address());
    return CHAIN.decide(new RouteContext(snap, table, LONDON, prefix, subnetHash, now, false), 1);
  }

  @Test
  void aRepeatedQueryIsAHitWithTheSameDecision() {
    DecisionCache cache = new DecisionCache(100);
    EdgeSnapshot snap = new EdgeSnapshot(List.of(AP, EU, US));
    String prefix = LatencyTable.clientPrefix(LONDON.address());
    cache.decide(CHAIN, snap, LatencyTable.EMPTY, LONDON, 7, 1, NOW);
    assertThat(cache.size()).as("cached from the second miss on").isZero();
    Decision first = cache.decide(CHAIN, snap, LatencyTable.EMPTY, LONDON, 7, 1, NOW);
    Decision again = cache.decide(CHAIN, snap, LatencyTable.EMPTY, LONDON, 7, 1, NOW + 3_600_000);
    assertThat(again).isSameAs(first).isEqualTo(uncached(snap, LatencyTable.EMPTY, NOW, 7));
    assertThat(cache.size()).isEqualTo(1);
    // another network hash is another key
    for (int i = 0; i < 2; i++) {
      assertThat(cache.decide(CHAIN, snap, LatencyTable.EMPTY, LONDON, 8, 1, NOW))
          .isEqualTo(uncached(snap, LatencyTable.EMPTY, NOW, 8));
    }
    assertThat(cache.size()).isEqualTo(2);
    // another address of the same /24 at the same place: a hit, carrying its own location
    ClientLocation neighbour = LONDON.withAddress(io.opencdn.dns.TestSupport.ip("81.2.69.77"));
    Decision forNeighbour = cache.decide(CHAIN, snap, LatencyTable.EMPTY, neighbour, 7, 1, NOW);
    assertThat(forNeighbour.client()).isSameAs(neighbour);
    assertThat(forNeighbour)
        .isEqualTo(
            CHAIN.decide(
                new RouteContext(snap, LatencyTable.EMPTY, neighbour, prefix, 7, NOW, false), 1));
    assertThat(cache.size()).isEqualTo(2);
    // the same place in another /24 measured fast to ap-northeast: another key, another answer
    ClientLocation other = LONDON.withAddress(io.opencdn.dns.TestSupport.ip("81.2.70.1"));
    LatencyTable table =
        new LatencyTable(
            Map.of(
                new LatencyKey("81.2.70.0/24", "ap-northeast"), new LatencyTable.Sample(1, NOW)));
    assertThat(cache.decide(CHAIN, snap, table, other, 7, 1, NOW).ipv4())
        .extracting(Edge::id)
        .containsExactly("ap-northeast");
    assertThat(cache.decide(CHAIN, snap, table, LONDON, 7, 1, NOW).ipv4())
        .extracting(Edge::id)
        .containsExactly("eu-west");
  }

  @Test
  void aNewSnapshotOrLatencyTableIsANewGenerationButAnEqualRefreshIsNot() {
    DecisionCache cache = new DecisionCache(100);
    String prefix = LatencyTable.clientPrefix(LONDON.address());
    EdgeSnapshot snap = new EdgeSnapshot(List.of(AP, EU, US));
    assertThat(cache.decide(CHAIN, snap, LatencyTable.EMPTY, LONDON, 1, 1, NOW).ipv4())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    EdgeSnapshot euDown = new EdgeSnapshot(List.of(AP, EU.withHealthy(false), US));
    assertThat(cache.decide(CHAIN, euDown, LatencyTable.EMPTY, LONDON, 1, 1, NOW))
        .isEqualTo(uncached(euDown, LatencyTable.EMPTY, NOW, 1));
    assertThat(cache.decide(CHAIN, euDown, LatencyTable.EMPTY, LONDON, 1, 1, NOW).ipv4())
        .extracting(Edge::id)
        .containsExactly("us-east");
    LatencyTable fast =
        new LatencyTable(
            Map.of(new LatencyKey(prefix, "ap-northeast"), new LatencyTable.Sample(1, NOW)));
    assertThat(cache.decide(CHAIN, euDown, fast, LONDON, 1, 1, NOW).ipv4())
        .extracting(Edge::id)
        .containsExactly("ap-northeast");
    // the same contents in a new table object (a refresh): still the cached decision
    Decision cached = cache.decide(CHAIN, euDown, fast, LONDON, 1, 1, NOW);
    assertThat(cache.decide(CHAIN, euDown, fast, LONDON, 1, 1, NOW)).isSameAs(cached);
    LatencyTable refreshed =
        new LatencyTable(
            Map.of(new LatencyKey(prefix, "ap-northeast"), new LatencyTable.Sample(1, NOW)));
    assertThat(cache.decide(CHAIN, new EdgeSnapshot(euDown.edges()), refreshed, LONDON, 1, 1, NOW))
        .isSameAs(cached);
  }

  @Test
  void aMeasurementThatTurnsStaleOrFreshChangesTheDecisionAtTheRightMillisecond() {
    TestClock clock = new TestClock();
    long t0 = clock.millis();
    String prefix = LatencyTable.clientPrefix(LONDON.address());
    // measured at t0 + 30 s: in the future by less than 60 s, so fresh from t0 - 30 s until t0 +
    // 330 s
    LatencyTable table =
        new LatencyTable(
            Map.of(new LatencyKey(prefix, "us-east"), new LatencyTable.Sample(5, t0 + 30_000)));
    AtomicReference<LatencyTable> latency = new AtomicReference<>(table);
    Router router = Router.of(Map.of(WWW, PolicySpec.DEFAULT_CHAIN), latency::get, clock);
    EdgeSnapshot snap = new EdgeSnapshot(List.of(AP, EU, US));
    long[] steps = {0, 1000, 329_000, 999, 1, 1, 1000, 10_000};
    for (long step : steps) {
      clock.advance(step);
      Decision d = router.decide(WWW, snap, LONDON, 3, 1, false);
      assertThat(d)
          .as("at t0 + %d ms", clock.millis() - t0)
          .isEqualTo(uncached(snap, table, clock.millis(), 3));
    }
    assertThat(router.decide(WWW, snap, LONDON, 3, 1, false).ipv4())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    // a measurement from later than now + 60 s is not fresh yet: distance order until it becomes
    // fresh
    TestClock c2 = new TestClock();
    long s0 = c2.millis();
    LatencyTable future =
        new LatencyTable(
            Map.of(new LatencyKey(prefix, "us-east"), new LatencyTable.Sample(5, s0 + 61_000)));
    Router r2 = Router.of(Map.of(WWW, PolicySpec.DEFAULT_CHAIN), () -> future, c2);
    assertThat(r2.decide(WWW, snap, LONDON, 3, 1, false).ipv4())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    c2.advance(999);
    assertThat(r2.decide(WWW, snap, LONDON, 3, 1, false).ipv4())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    c2.advance(1);
    assertThat(r2.decide(WWW, snap, LONDON, 3, 1, false).ipv4())
        .extracting(Edge::id)
        .containsExactly("us-east");
  }

  @Test
  void explanationsAndChainsWithUnknownPoliciesAreNeverCached() {
    Router router =
        Router.of(Map.of(WWW, PolicySpec.DEFAULT_CHAIN), LatencySource.NONE, new TestClock());
    EdgeSnapshot snap = new EdgeSnapshot(List.of(AP, EU, US));
    router.decide(WWW, snap, LONDON, 1, 1, false);
    assertThat(router.decide(WWW, snap, LONDON, 1, 1, true).notes()).isNotEmpty();
    Policy reverse =
        new Policy() {
          @Override
          public String name() {
            return "reverse";
          }

          @Override
          public Ranking apply(Ranking in, RouteContext ctx) {
            List<Candidate> out = new java.util.ArrayList<>(in.candidates());
            java.util.Collections.reverse(out);
            return in.next(out, false, ctx, () -> "reverse");
          }
        };
    assertThat(new PolicyChain(List.of(reverse)).cacheable()).isFalse();
    assertThat(CHAIN.cacheable()).isTrue();
    assertThat(CHAIN.latencyMaxAgesMillis()).containsExactly(300_000L);
  }
}
