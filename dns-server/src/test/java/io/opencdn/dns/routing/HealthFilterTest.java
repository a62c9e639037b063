package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeState;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class HealthFilterTest {

  record Case(
      String label, List<Edge> edges, double panicShare, List<String> expected, boolean panic) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    Edge euDown = EU.withHealthy(false);
    Edge usDown = US.withHealthy(false);
    Edge euDrain = EU.withState(EdgeState.DRAINING);
    return Stream.of(
        new Case(
            "all healthy: all kept",
            List.of(AP, EU, US),
            0.5,
            List.of("ap-northeast", "eu-west", "us-east"),
            false),
        new Case(
            "one of three down: dropped",
            List.of(AP, euDown, US),
            0.5,
            List.of("ap-northeast", "us-east"),
            false),
        new Case(
            "draining edge gets no new traffic",
            List.of(AP, euDrain, US),
            0.5,
            List.of("ap-northeast", "us-east"),
            false),
        new Case(
            "two of three down > 50%: panic keeps all active",
            List.of(AP, euDown, usDown), 0.5, List.of("ap-northeast", "eu-west", "us-east"), true),
        new Case(
            "two of three down, threshold 70%: filtered",
            List.of(AP, euDown, usDown), 0.7, List.of("ap-northeast"), false),
        new Case(
            "half down is not more than half",
            List.of(AP, euDown, usDown, EU2),
            0.5,
            List.of("ap-northeast", "eu-central"),
            false),
        new Case(
            "panic never brings back a draining edge",
            List.of(AP.withHealthy(false), euDrain, usDown),
            0.5,
            List.of("ap-northeast", "us-east"),
            true),
        new Case(
            "everything draining: all kept rather than nothing",
            List.of(euDrain, US.withState(EdgeState.DRAINING)),
            0.5,
            List.of("eu-west", "us-east"),
            true),
        new Case("no edges: nothing", List.of(), 0.5, List.of(), false));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void filters(Case c) {
    RouteContext ctx = ctx(c.edges(), LONDON, Map.of(), 7);
    Ranking out = new HealthFilter(c.panicShare()).apply(start(ctx), ctx);
    assertThat(ids(out)).containsExactlyElementsOf(c.expected());
    assertThat(out.panic()).isEqualTo(c.panic());
    assertThat(out.notes()).singleElement().asString().startsWith("health: ");
  }
}
