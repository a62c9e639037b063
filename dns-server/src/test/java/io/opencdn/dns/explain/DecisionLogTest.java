package io.opencdn.dns.explain;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Sampled geo-routed answers are explained in the decision log, as the server decided them. */
class DecisionLogTest {

  @TempDir Path dir;

  static Message query(String ecs, int prefix) throws Exception {
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString("www.cdn.test."), Type.A, DClass.IN));
    if (ecs != null) {
      q.addRecord(
          new OPTRecord(
              1232, 0, 0, 0, List.of(new ClientSubnetOption(prefix, InetAddress.getByName(ecs)))),
          Section.ADDITIONAL);
    }
    return q;
  }

  @Test
  void everyRoutedAnswerIsExplainedWithItsNetworkLocationAndPolicySteps() throws Exception {
    Path file = dir.resolve("decisions.log");
    DnsConfig config =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20}]
        edges:
          - {id: eu-west, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12}
          - {id: us-east, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11}
        decisionLog: {enabled: true, sampleRate: 1, path: "%s"}
        """
                .formatted(file),
            "dns.yaml",
            DnsConfig.class);
    Vertx vertx = Vertx.vertx();
    DnsServer server = new DnsServer(vertx, config, "classpath:dns.yaml", null, Clock.systemUTC());
    int port = await(server.start(), Duration.ofSeconds(30));
    try {
      SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
      resolver.setTimeout(Duration.ofSeconds(5));
      List<String> answered = new java.util.ArrayList<>();
      for (Message q : List.of(query("81.2.69.0", 24), query("81.2.69.0", 24), query(null, 0))) {
        Message r = resolver.send(q);
        answered.add(r.getSection(Section.ANSWER).get(0).rdataToString());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!(Files.exists(file) && Files.readAllLines(file).size() == 3)) {
        assertThat(System.nanoTime()).as("three lines within 10 s").isLessThan(deadline);
        Thread.sleep(10);
      }
      // each line is queued after its answer is sent, so lines may land in any order
      List<JsonObject> lines = Files.readAllLines(file).stream().map(JsonObject::new).toList();
      List<JsonObject> withEcs = lines.stream().filter(l -> l.getBoolean("ecs")).toList();
      assertThat(withEcs).hasSize(2);
      JsonObject london = withEcs.get(0);
      assertThat(london.getString("qname")).isEqualTo("www.cdn.test.");
      assertThat(london.getString("qtype")).isEqualTo("A");
      assertThat(london.getString("resolver")).isEqualTo("127.0.0.1");
      assertThat(london.getString("transport")).isEqualTo("udp");
      assertThat(london.getString("client-network")).isEqualTo("81.2.69.0/24");
      assertThat(london.getBoolean("ecs")).isTrue();
      assertThat(london.getInteger("ecs-source-prefix")).isEqualTo(24);
      assertThat(london.getInteger("ecs-scope")).isBetween(1, 24);
      assertThat(london.getString("location-source")).isNotNull();
      assertThat(london.getString("country")).isEqualTo("GB");
      assertThat(london.getJsonArray("location-steps")).isNotEmpty();
      assertThat(london.getJsonArray("policies")).isNotEmpty();
      assertThat(london.getJsonArray("policies").getList())
          .containsExactly("health", "distance", "latency", "spill");
      assertThat(london.getJsonArray("policy-steps").getString(1))
          .isEqualTo("distance: nearest first: [eu-west, us-east]");
      assertThat(london.getJsonArray("policy-steps").getString(4))
          .isEqualTo("top-1: A [eu-west], AAAA []");
      assertThat(london.getJsonArray("answer")).isEqualTo(new JsonArray().add("eu-west"));
      assertThat(london.getJsonArray("explained")).isEqualTo(london.getJsonArray("answer"));
      assertThat(answered.get(0)).isEqualTo("127.0.0.12");
      // the second London query took the fast path: the same explanation
      assertThat(withEcs.get(1).getJsonArray("answer")).isEqualTo(london.getJsonArray("answer"));
      JsonObject loopback = lines.stream().filter(l -> !l.getBoolean("ecs")).findFirst().get();
      assertThat(loopback.getBoolean("ecs")).isFalse();
      assertThat(loopback.getValue("ecs-source-prefix")).isNull();
      assertThat(loopback.getString("client-network")).isEqualTo("127.0.0.0/24");
      String metrics = server.operations().metrics().scrape();
      assertThat(metrics)
          .contains("dns_decision_log_lines_total 3.0", "dns_decision_log_dropped_total 0.0");
    } finally {
      await(server.stop(), Duration.ofSeconds(30));
      vertx.close();
    }
  }

  @Test
  void sampleDrawsTheConfiguredShare() {
    DecisionLog none = new DecisionLog(null, 0, null, null, Clock.systemUTC());
    DecisionLog all = new DecisionLog(null, 1, null, null, Clock.systemUTC());
    DecisionLog some = new DecisionLog(null, 0.3, null, null, Clock.systemUTC());
    int n = 10_000;
    int drawn = 0;
    for (int i = 0; i < n; i++) {
      assertThat(none.sample()).isFalse();
      assertThat(all.sample()).isTrue();
      drawn += some.sample() ? 1 : 0;
    }
    // binomial(10000, 0.3): standard deviation 46; 2700..3300 is more than 6 deviations
    assertThat(drawn).isBetween(2700, 3300);
  }
}
