package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.LatencyKey;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LatencyRankTest {

  static final String P = "81.2.69.0/24";

  static LatencyTable.Sample ms(double rtt, long ageMillis) {
    return new LatencyTable.Sample(rtt, NOW - ageMillis);
  }

  record Case(String label, Map<LatencyKey, LatencyTable.Sample> latency, List<String> expected) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "no measurements: distance order kept",
            Map.of(),
            List.of("eu-west", "us-east", "ap-northeast")),
        new Case(
            "faster farther edge wins",
            Map.of(
                new LatencyKey(P, "eu-west"),
                ms(80, 1000),
                new LatencyKey(P, "us-east"),
                ms(20, 1000)),
            List.of("us-east", "eu-west", "ap-northeast")),
        new Case(
            "stale measurement ignored",
            Map.of(
                new LatencyKey(P, "eu-west"),
                ms(80, 1000),
                new LatencyKey(P, "us-east"),
                ms(20, 400_000)),
            List.of("eu-west", "us-east", "ap-northeast")),
        new Case(
            "measured edges before unmeasured",
            Map.of(new LatencyKey(P, "ap-northeast"), ms(200, 0)),
            List.of("ap-northeast", "eu-west", "us-east")),
        new Case(
            "within tolerance: previous (distance) order",
            Map.of(
                new LatencyKey(P, "eu-west"), ms(21, 0), new LatencyKey(P, "us-east"), ms(20, 0)),
            List.of("eu-west", "us-east", "ap-northeast")),
        new Case(
            "other network's measurements do not count",
            Map.of(new LatencyKey("8.8.8.0/24", "us-east"), ms(1, 0)),
            List.of("eu-west", "us-east", "ap-northeast")),
        new Case(
            "measurement from the future (clock skew > 1 min) ignored",
            Map.of(new LatencyKey(P, "us-east"), ms(1, -120_000)),
            List.of("eu-west", "us-east", "ap-northeast")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void ranks(Case c) {
    RouteContext ctx = ctx(List.of(AP, EU, US), LONDON, c.latency(), 3);
    Ranking byDistance = new DistanceRank(0).apply(start(ctx), ctx);
    Ranking out = new LatencyRank(300, 5).apply(byDistance, ctx);
    assertThat(ids(out)).containsExactlyElementsOf(c.expected());
    assertThat(out.notes().get(1)).startsWith("latency: ");
  }
}
