package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.dns.config.PolicySpec;
import io.opencdn.dns.geo.ClientLocation;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The default chain (health, distance, latency, spill) plus top-k, end to end over snapshots. */
class PolicyChainTest {

  static final PolicyChain DEFAULT = PolicyChain.of(PolicySpec.DEFAULT_CHAIN);

  record Case(
      String label,
      List<Edge> edges,
      ClientLocation client,
      Map<LatencyKey, LatencyTable.Sample> latency,
      int count,
      List<String> a,
      List<String> aaaa,
      boolean panic) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    List<Edge> all = List.of(AP, EU, US);
    return Stream.of(
        new Case(
            "London, top-1",
            all,
            LONDON,
            Map.of(),
            1,
            List.of("eu-west"),
            List.of("eu-west"),
            false),
        new Case(
            "London, top-2",
            all,
            LONDON,
            Map.of(),
            2,
            List.of("eu-west", "us-east"),
            List.of("eu-west", "us-east"),
            false),
        new Case(
            "Tokyo: AAAA from the same ranking, skipping the v4-only edge",
            all,
            TOKYO,
            Map.of(),
            1,
            List.of("ap-northeast"),
            List.of("eu-west"),
            false),
        new Case(
            "London, eu-west down",
            List.of(AP, EU.withHealthy(false), US),
            LONDON,
            Map.of(),
            1,
            List.of("us-east"),
            List.of("us-east"),
            false),
        new Case(
            "London, eu-west draining",
            List.of(AP, EU.withState(EdgeState.DRAINING), US),
            LONDON,
            Map.of(),
            1,
            List.of("us-east"),
            List.of("us-east"),
            false),
        new Case(
            "London, two of three down: panic answers from all, nearest first",
            List.of(AP, EU.withHealthy(false), US.withHealthy(false)),
            LONDON,
            Map.of(),
            1,
            List.of("eu-west"),
            List.of("eu-west"),
            true),
        new Case(
            "London measured faster to us-east",
            all,
            LONDON,
            Map.of(
                new LatencyKey("81.2.69.0/24", "us-east"),
                new LatencyTable.Sample(10, NOW),
                new LatencyKey("81.2.69.0/24", "eu-west"),
                new LatencyTable.Sample(40, NOW)),
            1,
            List.of("us-east"),
            List.of("us-east"),
            false),
        new Case(
            "London, eu-west full: spills to the runner-up with headroom",
            List.of(sized(AP, 100, 100), sized(EU, 100, 100), sized(US, 100, 0)),
            LONDON,
            Map.of(),
            1,
            List.of("us-east"),
            List.of("us-east"),
            false),
        new Case("no edges: empty", List.of(), LONDON, Map.of(), 1, List.of(), List.of(), false));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decides(Case c) {
    Decision d = DEFAULT.decide(ctx(c.edges(), c.client(), c.latency(), 5), c.count());
    assertThat(d.ipv4().stream().map(Edge::id).toList()).as("A").containsExactlyElementsOf(c.a());
    assertThat(d.ipv6().stream().map(Edge::id).toList())
        .as("AAAA")
        .containsExactlyElementsOf(c.aaaa());
    assertThat(d.panic()).isEqualTo(c.panic());
    assertThat(d.selection(Family.IPV4).edges()).isEqualTo(d.ipv4());
    assertThat(d.candidates()).hasSize(c.edges().size());
  }

  @Test
  void explainsEveryStep() {
    Decision d = DEFAULT.decide(ctx(List.of(AP, EU, US), LONDON, Map.of(), 5), 1);
    assertThat(d.notes()).hasSize(5);
    assertThat(d.notes().get(0)).startsWith("health:");
    assertThat(d.notes().get(1)).startsWith("distance:");
    assertThat(d.notes().get(2)).startsWith("latency:");
    assertThat(d.notes().get(3)).startsWith("spill:");
    assertThat(d.notes().get(4)).isEqualTo("top-1: A [eu-west], AAAA [eu-west]");
  }

  @Test
  void theQueryPathWritesNoNotes() {
    RouteContext quiet =
        new RouteContext(
            new EdgeSnapshot(List.of(EU)), LatencyTable.EMPTY, LONDON, null, 1, NOW, false);
    assertThat(DEFAULT.decide(quiet, 1).notes()).isEmpty();
  }
}
