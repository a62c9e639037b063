package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.config.PolicySpec;
import io.opencdn.dns.config.RouteConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;

class RouterTest {

  static Name n(String s) {
    try {
      return Name.fromString(s);
    } catch (org.xbill.DNS.TextParseException e) {
      throw new IllegalStateException(e);
    }
  }

  static final EdgeSnapshot SNAP = new EdgeSnapshot(List.of(AP, EU, US));

  @Test
  void eachNameHasItsOwnChain() {
    Router router =
        Router.of(
            Map.of(
                n("www.cdn.test."),
                PolicySpec.DEFAULT_CHAIN,
                n("eu.cdn.test."),
                List.of(
                    PolicySpec.of("health"),
                    new PolicySpec(
                        "geofence",
                        null,
                        null,
                        null,
                        List.of("EU"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                    PolicySpec.of("distance"))),
            LatencySource.NONE,
            Clock.systemUTC());
    assertThat(router.select(n("www.cdn.test."), SNAP, Family.IPV4, TOKYO, 1, 1).edges())
        .extracting(Edge::id)
        .containsExactly("ap-northeast");
    assertThat(router.select(n("eu.cdn.test."), SNAP, Family.IPV4, TOKYO, 1, 1).edges()).isEmpty();
    assertThat(router.select(n("eu.cdn.test."), SNAP, Family.IPV4, LONDON, 1, 1).edges())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    // without a name (several names routed): the default chain
    assertThat(router.select(SNAP, Family.IPV4, TOKYO, 1, 1).edges())
        .extracting(Edge::id)
        .containsExactly("ap-northeast");
  }

  @Test
  void aSingleRoutedNameIsAlsoTheNamelessChain() {
    Router router =
        Router.of(
            Map.of(
                n("eu.cdn.test."),
                List.of(
                    new PolicySpec(
                        "geofence",
                        null,
                        null,
                        null,
                        List.of("EU"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null),
                    PolicySpec.of("distance"))),
            LatencySource.NONE,
            Clock.systemUTC());
    assertThat(router.select(SNAP, Family.IPV4, TOKYO, 1, 1).edges()).isEmpty();
  }

  @Test
  void measurementsAgeWithTheInjectedClock() {
    LatencyTable table =
        new LatencyTable(
            Map.of(new LatencyKey("81.2.69.0/24", "us-east"), new LatencyTable.Sample(5, NOW)));
    Router fresh =
        Router.of(
            Map.of(n("www.cdn.test."), PolicySpec.DEFAULT_CHAIN),
            () -> table,
            Clock.fixed(Instant.ofEpochMilli(NOW + 10_000), ZoneOffset.UTC));
    Router later =
        Router.of(
            Map.of(n("www.cdn.test."), PolicySpec.DEFAULT_CHAIN),
            () -> table,
            Clock.fixed(Instant.ofEpochMilli(NOW + 301_000), ZoneOffset.UTC));
    assertThat(fresh.select(n("www.cdn.test."), SNAP, Family.IPV4, LONDON, 1, 1).edges())
        .extracting(Edge::id)
        .containsExactly("us-east");
    assertThat(later.select(n("www.cdn.test."), SNAP, Family.IPV4, LONDON, 1, 1).edges())
        .extracting(Edge::id)
        .containsExactly("eu-west");
    Decision d = fresh.decide(n("www.cdn.test."), SNAP, LONDON, 1, 1, true);
    assertThat(d.notes())
        .anyMatch(s -> s.startsWith("latency: 1 edges measured from 81.2.69.0/24"));
  }

  @Test
  void aKeptDecisionHoldsForItsNameAndRouterOnly() {
    Name www = n("www.cdn.test.");
    Name eu = n("eu.cdn.test.");
    Map<Name, List<PolicySpec>> specs =
        Map.of(
            www,
            PolicySpec.DEFAULT_CHAIN,
            eu,
            List.of(
                PolicySpec.of("health"),
                new PolicySpec(
                    "geofence",
                    null,
                    null,
                    null,
                    List.of("EU"),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                PolicySpec.of("distance")));
    Router router = Router.of(specs, LatencySource.NONE, Clock.systemUTC());
    Router.Kept kept = router.decideKept(www, SNAP, TOKYO, 1, 1);
    assertThat(kept.edges(Family.IPV4)).extracting(Edge::id).containsExactly("ap-northeast");
    assertThat(router.holds(kept, www, SNAP)).isTrue();
    // an equal name of another instance: the chain is looked up, the same
    assertThat(router.holds(kept, n("WWW.cdn.test."), SNAP)).isTrue();
    // another name's chain, another router's chains (a reload), other edges: no longer holds
    assertThat(router.holds(kept, eu, SNAP)).isFalse();
    List<RouteConfig> routes =
        specs.entrySet().stream()
            .map(e -> new RouteConfig(e.getKey().toString(), null, null, e.getValue()))
            .toList();
    assertThat(router.withRoutes(routes).holds(kept, www, SNAP)).isFalse();
    assertThat(router.holds(kept, www, new EdgeSnapshot(List.of(EU, US)))).isFalse();
  }
}
