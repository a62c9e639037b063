package io.opencdn.edge.cluster.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The decision read back from the text a DNS server's {@code /route} answers. */
class DnsRoutesTest {

  static final String LONDON =
      """
      client   81.2.69.1 (as ECS /24)
      located  by geoip network 81.2.69.0/23: 51.51,-0.09 country GB continent EU
      name     www.cdn.test.  policies [health, distance, capacity]
      candidates
        edge             group           distance        latency health     state     load/capacity    rank
        eu-west          -                 636 km              - up         ACTIVE    0/1000           #1
        us-east          -                5914 km              - up         ACTIVE    0/1000           #2
      decision
        health: 3 of 3 edges up
      answer   A [127.0.0.12 (eu-west)]  AAAA (none)
               ECS scope /23, TTL 20 s
      """;

  @Test
  void readsTheAnswerAndTheLocation() {
    JsonObject d = DnsRoutes.decision("81.2.69.1", LONDON);
    assertThat(d.getJsonArray("edges").getList()).containsExactly("eu-west");
    assertThat(d.getString("source")).isEqualTo("geoip");
    assertThat(d.getString("network")).isEqualTo("81.2.69.0/23");
    assertThat(d.getDouble("latitude")).isEqualTo(51.51);
    assertThat(d.getDouble("longitude")).isEqualTo(-0.09);
    assertThat(d.getString("country")).isEqualTo("GB");
  }

  @Test
  void severalEdgesKeepTheirOrderAndNoAnswerIsEmpty() {
    JsonObject two =
        DnsRoutes.decision(
            "1.2.3.4",
            "answer   A [127.0.0.13 (ap-northeast), 127.0.0.11 (us-east)]  AAAA (none)\n");
    assertThat(two.getJsonArray("edges").getList()).containsExactly("ap-northeast", "us-east");
    assertThat(two.getString("source")).isNull();
    JsonObject none = DnsRoutes.decision("1.2.3.4", "answer   A (none)  AAAA (none)\n");
    assertThat(none.getJsonArray("edges").getList()).isEmpty();
  }

  @Test
  void locationWithoutCoordinatesOrCountry() {
    JsonObject d =
        DnsRoutes.decision(
            "10.1.2.3",
            "located  by coverage network 10.1.0.0/16: 48.85,2.35 edge group eu\n"
                + "answer   A [127.0.0.12 (eu-west)]  AAAA (none)\n");
    assertThat(d.getString("source")).isEqualTo("coverage");
    assertThat(d.getString("country")).isNull();
    assertThat(d.getDouble("latitude")).isEqualTo(48.85);
  }
}
