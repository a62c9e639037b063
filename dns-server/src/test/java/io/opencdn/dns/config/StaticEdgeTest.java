package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticEdgeTest {

  record Holder(@JsonProperty("edges") List<StaticEdge> edges) {}

  static List<StaticEdge> parse(String yaml) {
    return ConfigLoader.parse(yaml, "e.yaml", Holder.class).edges();
  }

  @Test
  void parsesWithDefaults() {
    List<StaticEdge> edges =
        parse(
            """
        edges:
          - {id: far, latitude: -33.9, longitude: 151.2, ipv4: 192.0.2.10, ipv6: "2001:db8::10", capacity: 1000,
             healthUrl: "http://192.0.2.10:8080/health"}
          - {id: plain, latitude: 1, longitude: 2, ipv4: 192.0.2.11, state: DRAINING, healthPort: 443}
        """);
    StaticEdge far = edges.get(0);
    assertThat(far.state()).isEqualTo(EdgeState.ACTIVE);
    assertThat(far.checked()).isTrue();
    assertThat(far.toRecord(7).httpPort()).isEqualTo(8080);
    assertThat(far.toRecord(7).ipv6()).isEqualTo("2001:db8::10");
    assertThat(edges.get(1).state()).isEqualTo(EdgeState.DRAINING);
    assertThat(edges.get(1).toRecord(7).httpPort()).isEqualTo(443);
    assertThat(edges.get(1).load()).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{id: 'a b', latitude: 1, longitude: 2, ipv4: 192.0.2.1}             | key 'edges[0].id': expected 1-63 letters",
        "{id: a, longitude: 2, ipv4: 192.0.2.1}                               | key 'edges[0].latitude': expected -90..90, got null",
        "{id: a, latitude: 1, longitude: 200, ipv4: 192.0.2.1}                | key 'edges[0].longitude': expected -180..180, got 200",
        "{id: a, latitude: 1, longitude: 2}                                   | key 'edges[0].ipv4': expected an IPv4 or IPv6 address",
        "{id: a, latitude: 1, longitude: 2, ipv4: 300.1.1.1}                  | key 'edges[0].ipv4': expected an IPv4 address literal",
        "{id: a, latitude: 1, longitude: 2, ipv6: 'zz::1'}                    | key 'edges[0].ipv6': expected an IPv6 address literal",
        "{id: a, latitude: 1, longitude: 2, ipv4: 192.0.2.1, healthUrl: 'ftp://x/'} | key 'edges[0].healthUrl': expected an http:// URL",
        "{id: a, latitude: 1, longitude: 2, ipv4: 192.0.2.1, healthPort: 0}   | key 'edges[0].healthPort': expected 1..65535",
        "{id: a, latitude: 1, longitude: 2, ipv4: 192.0.2.1, capacity: -1}    | key 'edges[0].capacity': expected 0 or more"
      })
  void errorsNameTheKey(String edge, String message) {
    assertThatThrownBy(() -> parse("edges: [" + edge + "]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("e.yaml: " + message);
  }
}
