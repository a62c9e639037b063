package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.routing.CapacitySpill;
import io.opencdn.dns.routing.DistanceRank;
import io.opencdn.dns.routing.GeoFence;
import io.opencdn.dns.routing.HealthFilter;
import io.opencdn.dns.routing.LatencyRank;
import io.opencdn.dns.routing.PolicyChain;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicySpecTest {

  record Holder(@JsonProperty("policies") List<PolicySpec> policies) {}

  static List<PolicySpec> parse(String yaml) {
    return ConfigLoader.parse(yaml, "t.yaml", Holder.class).policies();
  }

  @Test
  void shortAndLongFormsBuildTheirPolicies() {
    List<PolicySpec> specs =
        parse(
            """
        policies:
          - health
          - {name: geofence, denyCountries: [kp], allowContinents: [EU, NA]}
          - {name: distance, bucketKm: 50}
          - {name: latency, maxAgeSeconds: 60, toleranceMillis: 2}
          - {name: spill, width: 3, threshold: 0.9}
          - {name: health, panicShare: 0.3}
        """);
    assertThat(specs.stream().map(s -> PolicyChain.policy(s).name()).toList())
        .containsExactly("health", "geofence", "distance", "latency", "spill", "health");
    assertThat(PolicyChain.policy(specs.get(0))).isEqualTo(new HealthFilter(0.5));
    assertThat(PolicyChain.policy(specs.get(1)))
        .isEqualTo(
            new GeoFence(
                java.util.Set.of(),
                java.util.Set.of("KP"),
                java.util.Set.of("EU", "NA"),
                java.util.Set.of()));
    assertThat(PolicyChain.policy(specs.get(2))).isEqualTo(new DistanceRank(50));
    assertThat(PolicyChain.policy(specs.get(3))).isEqualTo(new LatencyRank(60, 2));
    assertThat(PolicyChain.policy(specs.get(4))).isEqualTo(new CapacitySpill(3, 0.9));
    assertThat(PolicyChain.policy(specs.get(5))).isEqualTo(new HealthFilter(0.3));
  }

  @Test
  void theDefaultChain() {
    assertThat(PolicySpec.DEFAULT_CHAIN.stream().map(PolicySpec::name).toList())
        .containsExactly("health", "distance", "latency", "spill");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[nearest]                                   | key 'policies[0].name': expected one of [distance, geofence, health, latency, spill], got nearest",
        "[{name: distance, width: 2}]                | key 'policies[0].width': expected no 'width'",
        "[{name: health, panicShare: 1.5}]           | key 'policies[0].panicShare': expected 0..1, got 1.5",
        "[{name: geofence}]                          | key 'policies[0].geofence': expected at least one of",
        "[{name: geofence, allowContinents: [XX]}]   | key 'policies[0].allowContinents': expected continent codes",
        "[{name: geofence, denyCountries: [GBR]}]    | key 'policies[0].denyCountries': expected two-letter ISO country codes",
        "[{name: spill, width: 0}]                   | key 'policies[0].width': expected 1..16, got 0",
        "[{name: latency, maxAgeSeconds: 0}]         | key 'policies[0].maxAgeSeconds': expected 1..86400, got 0",
        "[{name: distance, speed: 2}]                | key 'policies[0].speed': unknown key"
      })
  void errorsNameTheKey(String list, String message) {
    assertThatThrownBy(() -> parse("policies: " + list))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: " + message);
  }
}
