package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.geo.ClientLocation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DistanceRankTest {

  record Case(
      String label,
      List<Edge> edges,
      ClientLocation client,
      double bucketKm,
      List<String> expected) {
    @Override
    public String toString() {
      return label;
    }
  }

  static ClientLocation groupOnly(String group) {
    return new ClientLocation(
        Double.NaN, Double.NaN, null, null, group, 16, "coverage", "10.0.0.0/16", null);
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "London: Frankfurt, Ashburn, Tokyo",
            List.of(AP, EU, US),
            LONDON,
            0,
            List.of("eu-west", "us-east", "ap-northeast")),
        new Case(
            "Tokyo: Tokyo first",
            List.of(AP, EU, US),
            TOKYO,
            0,
            List.of("ap-northeast", "eu-west", "us-east")),
        new Case(
            "New York: Ashburn first",
            List.of(AP, EU, US),
            NEW_YORK,
            0,
            List.of("us-east", "eu-west", "ap-northeast")),
        new Case(
            "London: Frankfurt before Munich",
            List.of(EU2, EU),
            LONDON,
            0,
            List.of("eu-west", "eu-central")),
        new Case(
            "a group nobody has changes nothing",
            List.of(grouped(AP, "asia"), EU, US),
            new ClientLocation(
                51.5, -0.12, "GB", "EU", "mars", 16, "coverage", "10.0.0.0/16", null),
            0,
            List.of("eu-west", "us-east", "ap-northeast")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void ranks(Case c) {
    RouteContext ctx = ctx(c.edges(), c.client(), Map.of(), 99);
    assertThat(ids(new DistanceRank(c.bucketKm()).apply(start(ctx), ctx)))
        .containsExactlyElementsOf(c.expected());
  }

  @Test
  void aGroupFromACoverageZoneComesFirst() {
    ClientLocation pinned =
        new ClientLocation(51.5, -0.12, "GB", "EU", "asia", 16, "coverage", "10.0.0.0/16", null);
    RouteContext ctx = ctx(List.of(grouped(AP, "asia"), EU, US), pinned, Map.of(), 99);
    assertThat(ids(new DistanceRank(0).apply(start(ctx), ctx)))
        .containsExactly("ap-northeast", "eu-west", "us-east");
    RouteContext noCoords =
        ctx(List.of(EU, grouped(AP, "asia"), US), groupOnly("asia"), Map.of(), 99);
    assertThat(ids(new DistanceRank(0).apply(start(noCoords), noCoords)).get(0))
        .isEqualTo("ap-northeast");
  }

  @Test
  void equalsAreStablePerNetworkAndSpreadAcrossNetworks() {
    // Frankfurt and Munich are 300 km apart: with 1000 km buckets they are equal for London
    Map<String, Integer> firsts = new HashMap<>();
    for (int subnet = 0; subnet < 1000; subnet++) {
      RouteContext ctx = ctx(List.of(EU, EU2, AP), LONDON, Map.of(), subnet * 7919);
      String first = ids(new DistanceRank(1000).apply(start(ctx), ctx)).get(0);
      RouteContext again = ctx(List.of(AP, EU2, EU), LONDON, Map.of(), subnet * 7919);
      assertThat(ids(new DistanceRank(1000).apply(start(again), again)).get(0)).isEqualTo(first);
      firsts.merge(first, 1, Integer::sum);
    }
    assertThat(firsts.keySet()).containsExactlyInAnyOrder("eu-west", "eu-central");
    assertThat(firsts.get("eu-west")).isBetween(400, 600);
  }

  @Test
  void withoutCoordinatesTheOrderIsTheNetworkHash() {
    Set<String> firsts = new HashSet<>();
    for (int subnet = 0; subnet < 200; subnet++) {
      RouteContext ctx = ctx(List.of(AP, EU, US), null, Map.of(), subnet * 104729);
      firsts.add(ids(new DistanceRank(0).apply(start(ctx), ctx)).get(0));
    }
    assertThat(firsts).containsExactlyInAnyOrder("ap-northeast", "eu-west", "us-east");
  }
}
