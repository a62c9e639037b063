package io.opencdn.dns.routing;

import static io.opencdn.dns.routing.Edges.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.geo.ClientLocation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class GeoFenceTest {

  record Case(String label, GeoFence fence, ClientLocation client, boolean allowed) {
    @Override
    public String toString() {
      return label;
    }
  }

  static GeoFence fence(
      Set<String> allowC, Set<String> denyC, Set<String> allowK, Set<String> denyK) {
    return new GeoFence(allowC, denyC, allowK, denyK);
  }

  static Stream<Case> cases() {
    Set<String> none = Set.of();
    ClientLocation unknown = at(0, 0, null, null);
    return Stream.of(
        new Case("deny country", fence(none, Set.of("GB"), none, none), LONDON, false),
        new Case("deny country, other client", fence(none, Set.of("GB"), none, none), TOKYO, true),
        new Case("allow continent EU", fence(none, none, Set.of("EU"), none), LONDON, true),
        new Case(
            "allow continent EU, client in AS",
            fence(none, none, Set.of("EU"), none),
            TOKYO,
            false),
        new Case(
            "allow country or continent",
            fence(Set.of("JP"), none, Set.of("EU"), none),
            TOKYO,
            true),
        new Case(
            "deny wins over allow", fence(Set.of("GB"), none, none, Set.of("EU")), LONDON, false),
        new Case(
            "unknown client with an allow list: denied",
            fence(none, none, Set.of("EU"), none),
            unknown,
            false),
        new Case(
            "unknown client with only deny lists: allowed",
            fence(none, Set.of("GB"), none, none),
            unknown,
            true),
        new Case(
            "no location at all, deny list only",
            fence(none, Set.of("GB"), none, none),
            null,
            true),
        new Case("deny continent NA", fence(none, none, none, Set.of("NA")), NEW_YORK, false));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void fences(Case c) {
    RouteContext ctx = ctx(List.of(EU, US), c.client(), Map.of(), 1);
    Ranking out = c.fence().apply(start(ctx), ctx);
    assertThat(c.fence().allows(c.client())).isEqualTo(c.allowed());
    assertThat(ids(out)).hasSize(c.allowed() ? 2 : 0);
    assertThat(out.notes().get(0)).contains(c.allowed() ? "allowed" : "denied");
  }
}
