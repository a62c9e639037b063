package io.opencdn.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.zone.ZoneSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DnsConfigTest {

  @TempDir Path dir;

  @Test
  void demoConfigFollowsTheDemoContract() {
    DnsConfig cfg = ConfigLocation.load("classpath:demo/dns.yaml", DnsConfig.class);
    assertThat(cfg.listen().toString()).isEqualTo("127.0.0.1:8053");
    assertThat(cfg.zoneNames()).containsExactly("cdn.test.");
    assertThat(cfg.routing())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.fqdn().toString()).isEqualTo("www.cdn.test.");
              assertThat(r.ttl()).isEqualTo(20);
              assertThat(r.answers()).isEqualTo(1);
            });
    assertThat(cfg.geo().cityDatabase()).isEmpty();
    assertThat(cfg.health()).isEqualTo(new HealthConfig(500, 400, 2, 2));
    assertThat(cfg.cluster().name()).isEqualTo("opencdn-demo");
    assertThat(cfg.cluster().bind().toString()).isEqualTo("127.0.0.1:5701");
    assertThat(cfg.cluster().members())
        .containsExactly("127.0.0.1:5701", "127.0.0.11:5701", "127.0.0.12:5701", "127.0.0.13:5701");
    assertThat(ZoneSet.load(cfg.zones(), "classpath:demo/dns.yaml").zones()).hasSize(1);
  }

  @Test
  void defaultsApply() {
    DnsConfig cfg =
        ConfigLoader.parse(
            "zones: [{origin: a.test, file: a.zone}]\nrouting: [{name: www.a.test}]",
            "t.yaml",
            DnsConfig.class);
    assertThat(cfg.listen().toString()).isEqualTo("127.0.0.1:8053");
    assertThat(cfg.routing().get(0).ttl()).isEqualTo(20);
    assertThat(cfg.health().fall()).isEqualTo(2);
    assertThat(cfg.cluster()).isNull();
    assertThat(cfg.threads())
        .isEqualTo(Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())));
    assertThat(
            ConfigLoader.parse(
                    "zones: [{origin: a.test, file: a.zone}]\nthreads: 1",
                    "t.yaml",
                    DnsConfig.class)
                .threads())
        .isEqualTo(1);
  }

  static Stream<Arguments> invalid() {
    String zone = "zones: [{origin: cdn.test., file: z.zone}]\n";
    return Stream.of(
        Arguments.of(
            zone + "routing: [{name: www.cdn.test., ttl: 0}]",
            "key 'routing[0].ttl': expected 1..86400 seconds, got 0"),
        Arguments.of(zone + "routing: [{name: www.cdn.test., ttl: 86401}]", "key 'routing[0].ttl'"),
        Arguments.of(
            zone + "routing: [{name: www.cdn.test., answers: 0}]", "key 'routing[0].answers'"),
        Arguments.of(
            zone + "routing: [{name: www.example.org.}]",
            "key 'routing[0].name': expected a name inside one of the zones"),
        Arguments.of(
            zone + "routing: [{name: www.cdn.test.}, {name: WWW.cdn.test}]",
            "key 'routing[1].name': expected a name routed once"),
        Arguments.of("zones: []", "key 'zones'"),
        Arguments.of(zone + "health: {fall: 0}", "key 'health.fall'"),
        Arguments.of(zone + "listen: nonsense", "key 'listen'"),
        Arguments.of(zone + "threads: 0", "key 'threads': expected 1..64 event loops, got 0"),
        Arguments.of(zone + "threads: 65", "key 'threads'"),
        Arguments.of(
            zone + "decisionLog: {sampleRate: 2}",
            "key 'decisionLog.sampleRate': expected 0..1, got 2.0"),
        Arguments.of(
            zone + "decisionLog: {queueBytes: 1}",
            "key 'decisionLog.queueBytes': expected 65536..1073741824"),
        Arguments.of(zone + "colour: blue", "key 'colour': unknown key"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidValuesAreNamed(String yaml, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "bad.yaml", DnsConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bad.yaml: ")
        .hasMessageContaining(message);
  }

  @Test
  void missingZoneFileIsNamed() throws Exception {
    Path config = dir.resolve("dns.yaml");
    Files.writeString(config, "zones: [{origin: cdn.test., file: missing.zone}]");
    DnsConfig cfg = ConfigLocation.load(config.toString(), DnsConfig.class);
    assertThatThrownBy(() -> ZoneSet.load(cfg.zones(), config.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(dir.resolve("missing.zone") + ": file not found");
  }

  @Test
  void brokenZoneFileIsNamed() throws Exception {
    Path config = dir.resolve("dns.yaml");
    Files.writeString(config, "zones: [{origin: cdn.test., file: broken.zone}]");
    Files.writeString(dir.resolve("broken.zone"), "@ 300 IN A not-an-address\n");
    DnsConfig cfg = ConfigLocation.load(config.toString(), DnsConfig.class);
    assertThatThrownBy(() -> ZoneSet.load(cfg.zones(), config.toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(dir.resolve("broken.zone") + ": invalid zone cdn.test.");
  }

  @Test
  void unreadableGeoipFileIsNamed() throws Exception {
    Path config = dir.resolve("dns.yaml");
    Files.writeString(
        dir.resolve("z.zone"),
        "@ 300 IN SOA ns hm 1 2 3 4 5\n@ 300 IN NS ns\nns 300 IN A 127.0.0.1\n");
    Files.writeString(dir.resolve("bogus.mmdb"), "not a maxmind database");
    Files.writeString(
        config, "zones: [{origin: cdn.test., file: z.zone}]\ngeo: {cityDatabase: bogus.mmdb}");
    DnsConfig cfg = ConfigLocation.load(config.toString(), DnsConfig.class);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      assertThatThrownBy(
              () -> new DnsServer(vertx, cfg, config.toString(), null, java.time.Clock.systemUTC()))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(dir.resolve("bogus.mmdb") + ": not a valid GeoIP2 database");
      DnsConfig missing = cfg.withCityDatabase("nope.mmdb");
      assertThatThrownBy(
              () ->
                  new DnsServer(
                      vertx, missing, config.toString(), null, java.time.Clock.systemUTC()))
          .isInstanceOf(ConfigException.class)
          .hasMessage(dir.resolve("nope.mmdb") + ": GeoIP database not found or not readable");
    } finally {
      vertx.close();
    }
  }

  /**
   * The example values of the docs and docker-compose.yml only while every listener is loopback.
   */
  @Test
  void anExampleTokenOrSecretIsRefusedOnANonLoopbackListener() {
    String[][] cases = {
      {
        "listen: 0.0.0.0:53\nadmin: {listen: \"127.0.0.1:8054\", token: local-trial-token-change-me}",
        "admin.token",
        "0.0.0.0:53"
      },
      {
        "admin: {listen: \"10.1.2.3:8054\", token: local-trial-token-change-me}",
        "admin.token",
        "10.1.2.3:8054"
      },
      {
        "cluster: {name: c, secret: local-trial-secret-change-me, bind: \"172.28.0.2:5701\"}",
        "cluster.secret",
        "172.28.0.2:5701"
      }
    };
    for (String[] c : cases) {
      String yaml = "zones: [{origin: a.test, file: a.zone}]\n" + c[0] + "\n";
      assertThatThrownBy(() -> ConfigLoader.parse(yaml, "dns.yaml", DnsConfig.class))
          .as(c[0])
          .hasMessageStartingWith("dns.yaml: key '" + c[1] + "': expected a value of your own")
          .hasMessageContaining(c[2])
          .hasMessageNotContaining("local-trial");
    }
    String loopback =
        "zones: [{origin: a.test, file: a.zone}]\nadmin: {listen: \"127.0.0.1:8054\", token: local-trial-token-change-me}\n"
            + "cluster: {name: c, secret: local-trial-secret-change-me, bind: \"127.0.0.1:5701\"}\n";
    assertThat(ConfigLoader.parse(loopback, "dns.yaml", DnsConfig.class).cluster().secret())
        .contains("change-me");
  }
}
