package io.opencdn.dns.explain;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.geo.CountryCentroids;
import io.opencdn.dns.geo.CoverageZones;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.Router;
import io.vertx.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ExplainerTest {

  static final DnsConfig CONFIG =
      ConfigLoader.parse(
          """
      listen: 127.0.0.1:0
      zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
      routing: [{name: www.cdn.test., ttl: 20}]
      rrl: {enabled: false}
      edges:
        - {id: twin-a, latitude: 50, longitude: 8, ipv4: 192.0.2.1}
        - {id: twin-b, latitude: 50, longitude: 8, ipv4: 192.0.2.2}
        - {id: twin-c, latitude: 50, longitude: 8, ipv4: 192.0.2.3}
      """,
          "explain.yaml",
          DnsConfig.class);

  @Test
  void explanationsMatchWhatTheServerAnswersEvenForTies() throws Exception {
    Vertx vertx = Vertx.vertx();
    DnsServer server =
        new DnsServer(vertx, CONFIG, "classpath:explain.yaml", null, Clock.systemUTC());
    int port = await(server.start());
    try {
      Explainer explainer =
          new Explainer(
              CONFIG.routing(),
              server.locator(),
              Router.of(CONFIG.routing(), LatencySource.NONE, Clock.systemUTC()),
              Clock.systemUTC());
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        String net = "81.2." + i + ".0";
        Explanation x =
            explainer.explain(
                InetAddress.getByName(net),
                24,
                "www.cdn.test.",
                server.directory().current(),
                Map.of());
        String expected = x.decision().ipv4().get(0).ipv4().getHostAddress();
        assertThat(ask(port, net + "/24")).as(net).isEqualTo(expected);
        seen.add(expected);
      }
      assertThat(seen).contains("192.0.2.1", "192.0.2.2", "192.0.2.3");
    } finally {
      await(server.stop());
      vertx.close();
    }
  }

  @Test
  void sharesAreWeighted() {
    LocationChain chain =
        new LocationChain(CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), null);
    Explainer explainer =
        new Explainer(
            CONFIG.routing(),
            chain,
            Router.of(CONFIG.routing(), LatencySource.NONE, Clock.systemUTC()),
            Clock.systemUTC());
    var snap = new io.opencdn.dns.routing.EdgeSnapshot(List.of(EU_WEST, US_EAST));
    List<Explanation> xs =
        List.of(
            explainer.explain(ip("81.2.69.1"), 24, null, snap, Map.of()),
            explainer.explain(ip("8.8.8.8"), 24, null, snap, Map.of()));
    assertThat(explainer.shares(xs, List.of(3.0, 1.0)))
        .containsEntry("eu-west", 0.75)
        .containsEntry("us-east", 0.25);
    assertThat(xs.get(0).scope()).isEqualTo(xs.get(0).location().prefixLength());
    assertThat(xs.get(0).ttl()).isEqualTo(20);
    assertThat(ExplanationText.render(xs.get(0)))
        .contains("eu-west", "answer   A [127.0.0.12 (eu-west)]");
  }

  static String ask(int port, String ecs) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      byte[] wire = query("www.cdn.test.", Type.A, ecs).toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      Message r = parse(java.util.Arrays.copyOf(buf, in.getLength()));
      String a = section(r, Section.ANSWER).get(0);
      return a.substring(a.lastIndexOf(' ') + 1);
    }
  }
}
