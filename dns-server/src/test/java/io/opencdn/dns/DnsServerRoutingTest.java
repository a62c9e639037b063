package io.opencdn.dns;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server without a cluster, routing over static edges from its config with real HTTP health
 * checks: failover, drain, spill, coverage zones, geo-fence, ECS scope, IPv4+IPv6 together.
 */
class DnsServerRoutingTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  static final Duration SLOW = Duration.ofSeconds(20);

  private Vertx vertx;
  private HttpServer euHealth;
  private HttpServer usHealth;
  private DnsServer server;
  private int port;

  @TempDir Path dir;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    euHealth =
        await(
            vertx
                .createHttpServer()
                .requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
    usHealth =
        await(
            vertx
                .createHttpServer()
                .requestHandler(r -> r.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      await(server.stop(), SLOW);
    }
    await(vertx.close(), SLOW);
  }

  private void start(String extraEdges, String policies) throws Exception {
    Files.writeString(
        dir.resolve("coverage.txt"),
        "10.1.0.0/16 group=ap\n10.2.0.0/16 35.68,139.69 country=JP continent=AS\n");
    String yaml =
        """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        geo: {coverage: coverage.txt, defaultLocation: {latitude: 39.0, longitude: -77.0, country: US, continent: NA}}
        routing:
          - {name: www.cdn.test., ttl: 20, answers: 1}
        health: {intervalMillis: 100, timeoutMillis: 1000, fall: 2, rise: 2}
        rrl: {enabled: false}
        edges:
          - {id: eu-west, region: eu, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12, ipv6: "fd00::12",
             healthUrl: "http://127.0.0.1:%d/_cdn/health"}
          - {id: us-east, region: us, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11,
             healthUrl: "http://127.0.0.1:%d/_cdn/health"}
          - {id: ap-northeast, region: ap, latitude: 35.68, longitude: 139.69, ipv4: 127.0.0.13, ipv6: "fd00::13"}
        %s
        """
            .formatted(euHealth.actualPort(), usHealth.actualPort(), extraEdges);
    if (policies != null) {
      yaml =
          yaml.replace(
              "{name: www.cdn.test., ttl: 20, answers: 1}",
              "{name: www.cdn.test., ttl: 20, answers: 1, policies: " + policies + "}");
    }
    Path file = dir.resolve("dns.yaml");
    Files.writeString(file, yaml);
    DnsConfig config = ConfigLoader.load(file, DnsConfig.class);
    server = new DnsServer(vertx, config, file.toString(), null, Clock.systemUTC());
    port = await(server.start(), SLOW);
  }

  private Message ask(String name, int type, String ecs) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      byte[] wire = query(name, type, ecs).toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[4096];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      return parse(java.util.Arrays.copyOf(buf, in.getLength()));
    }
  }

  private List<String> answer(String name, int type, String ecs) throws Exception {
    return section(ask(name, type, ecs), Section.ANSWER).stream()
        .map(r -> r.substring(r.lastIndexOf(' ') + 1))
        .toList();
  }

  @Test
  void staticEdgesAnswerWithoutACluster() throws Exception {
    start("", null);
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).containsExactly("127.0.0.12");
    assertThat(answer("www.cdn.test.", Type.A, "1.0.16.0/24")).containsExactly("127.0.0.13");
    assertThat(answer("www.cdn.test.", Type.A, "8.8.8.0/24")).containsExactly("127.0.0.11");
    // IPv6 pool from the same ranking: London gets eu-west for AAAA too
    assertThat(answer("www.cdn.test.", Type.AAAA, "81.2.69.0/24"))
        .containsExactly("fd00:0:0:0:0:0:0:12");
    Message r = ask("www.cdn.test.", Type.A, "81.2.69.0/24");
    assertThat(section(r, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.12");
  }

  @Test
  void coverageZonesDecideBeforeGeoIpAndSetTheScope() throws Exception {
    start("", null);
    ClientSubnetOption ecs = ecs(ask("www.cdn.test.", Type.A, "10.1.2.0/24"));
    assertThat(answer("www.cdn.test.", Type.A, "10.1.2.0/24")).containsExactly("127.0.0.13");
    assertThat(ecs.getScopePrefixLength()).isEqualTo(16);
    assertThat(answer("www.cdn.test.", Type.A, "10.2.0.0/24")).containsExactly("127.0.0.13");
    // private network outside coverage: the default location (Virginia)
    assertThat(answer("www.cdn.test.", Type.A, "10.9.0.0/24")).containsExactly("127.0.0.11");
  }

  @Test
  void aStoppedEdgeIsNoLongerAnsweredWithinTwoSecondsAndComesBack() throws Exception {
    start("", null);
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).containsExactly("127.0.0.12");
    int healthPort = euHealth.actualPort();
    long t0 = System.nanoTime();
    await(euHealth.close(), SLOW);
    assertThat(
            eventually(
                2000,
                () ->
                    call(() -> answer("www.cdn.test.", Type.A, "81.2.69.0/24"))
                        .equals(List.of("127.0.0.11"))))
        .isTrue();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
    euHealth =
        await(
            vertx
                .createHttpServer()
                .requestHandler(q -> q.response().end("ok"))
                .listen(healthPort, "127.0.0.1"),
            SLOW);
    assertThat(
            eventually(
                3000,
                () ->
                    call(() -> answer("www.cdn.test.", Type.A, "81.2.69.0/24"))
                        .equals(List.of("127.0.0.12"))))
        .isTrue();
  }

  @Test
  void drainedAndFullEdgesShedNewClients() throws Exception {
    start(
        """
          - {id: eu-drain, latitude: 51.5, longitude: -0.12, ipv4: 127.0.0.14, state: DRAINING}
          - {id: eu-full, latitude: 51.6, longitude: -0.10, ipv4: 127.0.0.15, capacity: 100, load: 120}
        """
            .stripTrailing(),
        null);
    // London: eu-drain (0 km) is draining, eu-full (~10 km) is over capacity and spills to the next
    // with headroom
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).containsExactly("127.0.0.12");
  }

  @Test
  void theGeoFenceOfANameDeniesClientsOutsideIt() throws Exception {
    start("", "[health, {name: geofence, allowContinents: [EU]}, distance]");
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).containsExactly("127.0.0.12");
    Message denied = ask("www.cdn.test.", Type.A, "1.0.16.0/24");
    assertThat(section(denied, Section.ANSWER)).isEmpty();
    assertThat(section(denied, Section.AUTHORITY)).anyMatch(s -> s.contains("SOA"));
    // the denial is this network's: scoped, so a resolver does not hand it to clients elsewhere
    org.xbill.DNS.ClientSubnetOption echo =
        (org.xbill.DNS.ClientSubnetOption)
            denied.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET).get(0);
    assertThat(echo.getScopePrefixLength()).isGreaterThan(0);
  }

  @Test
  void aReloadAppliesNewPolicies() throws Exception {
    start("", "[health, {name: geofence, denyCountries: [GB]}, distance]");
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).isEmpty();
    Path file = dir.resolve("dns.yaml");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "{name: geofence, denyCountries: [GB]}", "{name: geofence, denyCountries: [JP]}"));
    await(server.reload(), SLOW);
    assertThat(answer("www.cdn.test.", Type.A, "81.2.69.0/24")).containsExactly("127.0.0.12");
    assertThat(answer("www.cdn.test.", Type.A, "1.0.16.0/24")).isEmpty();
  }

  interface Call<T> {
    T run() throws Exception;
  }

  static <T> T call(Call<T> c) {
    try {
      return c.run();
    } catch (Exception e) {
      return null;
    }
  }
}
