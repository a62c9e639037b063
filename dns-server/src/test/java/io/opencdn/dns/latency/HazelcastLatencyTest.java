package io.opencdn.dns.latency;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.OneMemberTest;
import io.opencdn.dns.routing.LatencyTable;
import io.vertx.core.http.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The latency map of a real Hazelcast member, and a server ranking by it. */
class HazelcastLatencyTest extends OneMemberTest {

  @Test
  void readsTheSamplesOfAMapAndCountsWhatIsNotOne() {
    RecordCheck check = new RecordCheck(mac);
    long now = 1_700_000_000_000L;
    LatencyKey key = new LatencyKey("81.2.69.0/24", "eu-west");
    Map<Object, Object> entries = new HashMap<>();
    entries.put(key, new LatencySample(23.5, now).signed(mac, key));
    entries.put(new LatencyKey("81.2.69.0/24", "us-east"), "{\"rttMillis\": 1, \"atMillis\": 1}");
    entries.put(
        "81.2.69.0/24|ap-northeast",
        new LatencySample(2.0, now).signed(mac, new LatencyKey("81.2.69.0/24", "ap-northeast")));
    LatencyTable table = HazelcastLatency.read(entries, check, now);
    assertThat(table.samples()).containsOnlyKeys(key);
    assertThat(table.fresh("81.2.69.0/24", "eu-west", now, 1000)).isEqualTo(23.5);
    assertThat(check.forgedCount()).as("a JSON string, a string key").isEqualTo(2);
  }

  @Test
  void theClientGoesToTheFasterEdgeEvenWhenItIsFarther() throws Exception {
    HttpServer healthy =
        await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
    String member = memberUuid();
    var edges = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    edges.put(
        "eu-west",
        signedEdge(
            "eu-west", "eu", 50.11, 8.68, "127.0.0.12", healthy.actualPort(), 0, member, mac));
    edges.put(
        "us-east",
        signedEdge(
            "us-east", "us", 39.04, -77.49, "127.0.0.11", healthy.actualPort(), 0, member, mac));
    DnsServer server = geoServer("latency.yaml");
    int port = await(server.start(), SLOW);
    try {
      assertThat(ask(port)).isEqualTo("127.0.0.12");
      var latency = hz.<Object, Object>getMap(ClusterMaps.LATENCY);
      LatencyKey us = new LatencyKey("81.2.69.0/24", "us-east");
      LatencyKey eu = new LatencyKey("81.2.69.0/24", "eu-west");
      // written without the cluster secret, or not a sample: ignored, counted, and the client stays
      // on the nearer edge
      latency.put(
          us,
          new LatencySample(1.0, System.currentTimeMillis())
              .signed(RecordMac.fromSecret("not-the-cluster-secret-0123"), us));
      latency.put(eu, "{\"rttMillis\": 95.0, \"atMillis\": " + System.currentTimeMillis() + "}");
      assertThat(eventually(5000, () -> rejected(server, "latency", "forged") >= 2)).isTrue();
      assertThat(ask(port)).isEqualTo("127.0.0.12");
      assertThat(server.router().latency().samples()).isEmpty();

      latency.put(us, new LatencySample(12.0, System.currentTimeMillis()).signed(mac, us));
      latency.put(eu, new LatencySample(95.0, System.currentTimeMillis()).signed(mac, eu));
      assertThat(eventually(5000, () -> "127.0.0.11".equals(ask(port)))).isTrue();
      assertThat(server.router().latency().samples()).containsKeys(us, eu);
    } finally {
      edges.clear();
      hz.getMap(ClusterMaps.LATENCY).clear();
      await(server.stop(), SLOW);
      await(healthy.close(), SLOW);
    }
  }

  @Test
  void samplesAreCheckedAgainstTheirKeyAndTime() {
    RecordCheck check = new RecordCheck(mac);
    long now = 1_700_000_000_000L;
    LatencyKey key = new LatencyKey("81.2.69.0/24", "eu-west");
    LatencySample v = new LatencySample(20.0, now).signed(mac, key);
    assertThat(HazelcastLatency.sample(key, v, check, now))
        .isEqualTo(new LatencyTable.Sample(20.0, now));
    assertThat(HazelcastLatency.sample(new LatencyKey("81.2.69.0/24", "us-east"), v, check, now))
        .as("moved to another edge")
        .isNull();
    assertThat(HazelcastLatency.sample(new LatencyKey("1.0.16.0/24", "eu-west"), v, check, now))
        .as("moved to another prefix")
        .isNull();
    assertThat(HazelcastLatency.sample(key, new LatencySample(2.0, now, v.tag()), check, now))
        .as("altered")
        .isNull();
    assertThat(check.forgedCount()).isEqualTo(3);
    assertThat(HazelcastLatency.sample(key, v, check, now + HazelcastLatency.MAX_AGE_MILLIS + 1))
        .isNull();
    assertThat(HazelcastLatency.sample(key, v, check, now - HazelcastLatency.MAX_AHEAD_MILLIS - 1))
        .isNull();
    assertThat(check.staleCount()).isEqualTo(2);
  }

  /**
   * The value of {@code dns_cluster_records_rejected_total{map,reason}} in the server's metrics.
   */
  static double rejected(DnsServer server, String map, String reason) {
    String prefix =
        "dns_cluster_records_rejected_total{map=\"" + map + "\",reason=\"" + reason + "\"} ";
    return server
        .operations()
        .metrics()
        .scrape()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(-1);
  }

  static String ask(int port) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      byte[] wire = query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      Message r = parse(java.util.Arrays.copyOf(buf, in.getLength()));
      List<String> answer = section(r, Section.ANSWER);
      return answer.isEmpty() ? null : answer.get(0).substring(answer.get(0).lastIndexOf(' ') + 1);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
