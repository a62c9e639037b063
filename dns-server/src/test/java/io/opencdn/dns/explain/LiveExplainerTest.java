package io.opencdn.dns.explain;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class LiveExplainerTest {

  @Test
  void explainsFromTheRunningServersSnapshot() throws Exception {
    DnsConfig config =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20}]
        edges:
          - {id: eu-west, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12, state: DRAINING}
          - {id: us-east, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11, capacity: 100, load: 40}
        """,
            "live.yaml",
            DnsConfig.class);
    Vertx vertx = Vertx.vertx();
    DnsServer server = new DnsServer(vertx, config, "classpath:live.yaml", null, Clock.systemUTC());
    await(server.start());
    try {
      LiveExplainer live =
          new LiveExplainer(
              server.locator(), server.directory(), server.handler()::stage, Clock.systemUTC());
      String text = live.explain("81.2.69.1", null, null);
      assertThat(text)
          .contains("answer   A [127.0.0.11 (us-east)]", "40/100")
          .containsPattern("eu-west .* DRAINING .* filtered");
      assertThat(live.explain("2001:218::1", "www.cdn.test.", 48)).contains("(as ECS /48)");
      assertThatThrownBy(() -> live.explain("nope", null, null))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> live.explain("81.2.69.1", null, 40))
          .hasMessage("prefix 40: expected 1..32");
      assertThatThrownBy(() -> live.explain("81.2.69.1", "x.test", null))
          .hasMessageContaining("not a geo-routed name");
    } finally {
      await(server.stop());
      vertx.close();
    }
  }
}
