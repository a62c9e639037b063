package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CapacitySpillTest {

  record Case(
      String label, List<Edge> ranked, double threshold, Map<String, Double> expectedShare) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "first has headroom: all stay",
            List.of(sized(EU, 100, 50), sized(EU2, 100, 0), sized(US, 100, 0)),
            1.0,
            Map.of("eu-west", 1.0)),
        new Case(
            "first at capacity: split by headroom 75/25",
            List.of(sized(EU, 100, 100), sized(EU2, 100, 25), sized(US, 100, 75)),
            1.0,
            Map.of("eu-central", 0.75, "us-east", 0.25)),
        new Case(
            "width 2: the third candidate gets nothing",
            List.of(
                sized(EU, 100, 150), sized(EU2, 100, 50), sized(US, 100, 50), sized(AP, 100, 0)),
            1.0,
            Map.of("eu-central", 0.5, "us-east", 0.5)),
        new Case(
            "full runners-up are skipped",
            List.of(sized(EU, 100, 100), sized(EU2, 100, 100), sized(US, 100, 0)),
            1.0,
            Map.of("us-east", 1.0)),
        new Case(
            "everyone full: order kept",
            List.of(sized(EU, 100, 100), sized(EU2, 100, 120)),
            1.0,
            Map.of("eu-west", 1.0)),
        new Case(
            "threshold 0.8 spills at 80%",
            List.of(sized(EU, 100, 85), sized(EU2, 100, 0)), 0.8, Map.of("eu-central", 1.0)),
        new Case(
            "unknown capacity never spills",
            List.of(EU, sized(EU2, 100, 0)),
            1.0,
            Map.of("eu-west", 1.0)),
        new Case(
            "unknown capacity target weighs like the roomiest",
            List.of(sized(EU, 100, 100), EU2, sized(US, 100, 50)),
            1.0,
            Map.of("eu-central", 0.5, "us-east", 0.5)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void spillsInProportionToHeadroom(Case c) {
    int networks = 4000;
    Map<String, Integer> firsts = new HashMap<>();
    for (int n = 0; n < networks; n++) {
      RouteContext ctx = ctx(c.ranked(), LONDON, Map.of(), n * 31 + 7);
      Ranking in =
          new Ranking(
              c.ranked().stream().map(e -> Candidate.of(e, ctx)).toList(), false, List.of());
      Ranking out = new CapacitySpill(2, c.threshold()).apply(in, ctx);
      assertThat(out.candidates()).hasSameSizeAs(c.ranked());
      firsts.merge(out.candidates().get(0).edge().id(), 1, Integer::sum);
    }
    assertThat(firsts.keySet()).containsExactlyInAnyOrderElementsOf(c.expectedShare().keySet());
    c.expectedShare()
        .forEach(
            (id, share) ->
                assertThat(firsts.get(id) / (double) networks)
                    .as(id)
                    .isCloseTo(share, org.assertj.core.data.Offset.offset(0.04)));
  }

  @Test
  void oneNetworkAlwaysSpillsToTheSameEdgeAndFullEdgesGoLast() {
    List<Edge> ranked = List.of(sized(EU, 100, 100), sized(EU2, 100, 50), sized(US, 100, 50));
    RouteContext ctx = ctx(ranked, LONDON, Map.of(), 424242);
    Ranking in =
        new Ranking(ranked.stream().map(e -> Candidate.of(e, ctx)).toList(), false, List.of());
    Ranking a = new CapacitySpill(2, 1.0).apply(in, ctx);
    Ranking b = new CapacitySpill(2, 1.0).apply(in, ctx);
    assertThat(ids(a)).isEqualTo(ids(b));
    assertThat(ids(a).get(2)).isEqualTo("eu-west");
    assertThat(a.notes().get(0)).contains("eu-west is full (100% of capacity)", "[50%, 50%]");
  }
}
