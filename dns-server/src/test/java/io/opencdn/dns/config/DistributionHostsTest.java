package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistributionHostsTest {

  static final DnsConfig CONFIG =
      ConfigLoader.parse(
          """
      listen: 127.0.0.1:0
      zones: [{origin: cdn.test., file: cdn.test.zone}]
      routing: [{name: www.cdn.test., ttl: 30, answers: 2}]
      """,
          "dns.yaml",
          DnsConfig.class);

  @Test
  void routesTheHostsInsideItsZonesLikeItsFirstName() {
    DnsConfig c =
        CONFIG.withDistributionHosts(
            List.of("www.cdn.test", "shop.cdn.test", "cdn.test", "other.example"));
    assertThat(c.routing())
        .extracting(RouteConfig::name)
        .containsExactly("www.cdn.test.", "shop.cdn.test.");
    assertThat(c.routing().get(1).ttl()).isEqualTo(30);
    assertThat(c.routing().get(1).answers()).isEqualTo(2);
    assertThat(c.routing().get(1).policies()).isEqualTo(c.routing().get(0).policies());
    assertThat(CONFIG.withDistributionHosts(List.of())).isSameAs(CONFIG);
  }
}
