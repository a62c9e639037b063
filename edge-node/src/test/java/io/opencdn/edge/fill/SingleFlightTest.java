package io.opencdn.edge.fill;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SingleFlightTest {

  @Test
  void firstCallerLeadsAndOthersShareItsResult() {
    SingleFlight<String, String> flights = new SingleFlight<>();

    var leader = flights.join("k");
    var waiter = flights.join("k");
    var other = flights.join("other");

    assertThat(leader.leader()).isTrue();
    assertThat(waiter.leader()).isFalse();
    assertThat(other.leader()).isTrue();
    assertThat(flights.size()).isEqualTo(2);

    leader.complete("v");

    assertThat(waiter.result().result()).isEqualTo("v");
    assertThat(flights.size()).isEqualTo(1);
    assertThat(flights.join("k").leader()).isTrue();
  }
}
