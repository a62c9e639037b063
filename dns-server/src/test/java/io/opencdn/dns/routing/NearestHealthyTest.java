package io.opencdn.dns.routing;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.geo.ClientLocation;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class NearestHealthyTest {

  private final NearestHealthy policy = new NearestHealthy();

  static final ClientLocation LONDON = new ClientLocation(51.5, -0.12, "GB", 24, "test");
  static final ClientLocation TOKYO = new ClientLocation(35.7, 139.7, "JP", 24, "test");
  static final ClientLocation NEW_YORK = new ClientLocation(40.7, -74.0, "US", 24, "test");
  static final ClientLocation SYDNEY = new ClientLocation(-33.9, 151.2, "AU", 24, "test");

  static final Edge EU_DOWN = EU_WEST.withHealthy(false);
  static final Edge EU_DRAINING = edge("eu-west", 50.11, 8.68, "127.0.0.12", null, EdgeState.DRAINING, true);
  static final Edge V6_ONLY = edge("v6", 48.85, 2.35, null, "fd00::1", EdgeState.ACTIVE, true);

  record Case(String label, List<Edge> edges, Family family, ClientLocation client, int count, List<String> expected, boolean panic) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    List<Edge> demo = List.of(US_EAST, EU_WEST, AP_NORTHEAST);
    return Stream.of(
        new Case("london -> eu", demo, Family.IPV4, LONDON, 1, List.of("eu-west"), false),
        new Case("tokyo -> ap", demo, Family.IPV4, TOKYO, 1, List.of("ap-northeast"), false),
        new Case("new york -> us", demo, Family.IPV4, NEW_YORK, 1, List.of("us-east"), false),
        new Case("sydney -> ap", demo, Family.IPV4, SYDNEY, 1, List.of("ap-northeast"), false),
        new Case("london two", demo, Family.IPV4, LONDON, 2, List.of("eu-west", "us-east"), false),
        new Case("count above edges", demo, Family.IPV4, LONDON, 5, List.of("eu-west", "us-east", "ap-northeast"), false),
        new Case("down edge skipped", List.of(US_EAST, EU_DOWN, AP_NORTHEAST), Family.IPV4, LONDON, 1, List.of("us-east"), false),
        new Case("draining edge skipped", List.of(US_EAST, EU_DRAINING, AP_NORTHEAST), Family.IPV4, LONDON, 1, List.of("us-east"), false),
        new Case("all down: panic, all edges nearest first",
            List.of(US_EAST.withHealthy(false), EU_DOWN, AP_NORTHEAST.withHealthy(false)), Family.IPV4, TOKYO, 1,
            List.of("ap-northeast", "eu-west", "us-east"), true),
        new Case("only draining: panic", List.of(EU_DRAINING), Family.IPV4, TOKYO, 1, List.of("eu-west"), true),
        new Case("ipv6 only edges with ipv6", List.of(US_EAST, V6_ONLY), Family.IPV6, TOKYO, 1, List.of("v6"), false),
        new Case("no ipv6 edge: empty", demo, Family.IPV6, LONDON, 1, List.of(), false),
        new Case("no edges: empty", List.of(), Family.IPV4, LONDON, 1, List.of(), false));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void selects(Case c) {
    Selection s = policy.select(new EdgeSnapshot(c.edges()), c.family(), c.client(), 12345, c.count());
    assertThat(s.edges()).extracting(Edge::id).containsExactlyElementsOf(c.expected());
    assertThat(s.panic()).isEqualTo(c.panic());
  }

  @Test
  void equalDistancesAreBrokenStablyPerSubnetAndSpreadAcrossSubnets() {
    Edge a = edge("a", 10, 10, "127.0.1.1", null, EdgeState.ACTIVE, true);
    Edge b = edge("b", 10, 10, "127.0.1.2", null, EdgeState.ACTIVE, true);
    EdgeSnapshot snap = new EdgeSnapshot(List.of(a, b));
    ClientLocation client = new ClientLocation(0, 0, null, 24, "test");
    String first = policy.select(snap, Family.IPV4, client, 42, 1).edges().get(0).id();
    for (int i = 0; i < 10; i++) {
      assertThat(policy.select(snap, Family.IPV4, client, 42, 1).edges().get(0).id()).isEqualTo(first);
    }
    long chosenA = IntStream.range(0, 1000).filter(h -> policy.select(snap, Family.IPV4, client, h, 1).edges().get(0).id().equals("a")).count();
    assertThat(chosenA).isBetween(350L, 650L);
  }

  @Test
  void unknownLocationUsesTheStableHashOrder() {
    EdgeSnapshot snap = demoEdges();
    List<Edge> once = policy.select(snap, Family.IPV4, null, 7, 3).edges();
    assertThat(once).hasSize(3);
    assertThat(policy.select(snap, Family.IPV4, null, 7, 3).edges()).isEqualTo(once);
  }

  @Test
  void haversineMatchesKnownDistances() {
    assertThat(Haversine.km(51.5, -0.12, 50.11, 8.68)).isBetween(630.0, 650.0);
    assertThat(Haversine.km(35.68, 139.69, 35.68, 139.69)).isZero();
    assertThat(Haversine.km(0, 0, 0, 180)).isCloseTo(Math.PI * Haversine.EARTH_RADIUS_KM, org.assertj.core.data.Offset.offset(0.001));
  }
}
