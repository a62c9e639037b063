package io.opencdn.dns.latency;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.LatencyRecords;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.routing.LatencyTable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The latency map of a real Hazelcast member, and a server ranking by it. */
class HazelcastLatencyTest {

  private static HazelcastInstance hz;
  private static Vertx vertx;
  private static ClusterConfig cfg;
  private static RecordMac mac;

  @BeforeAll
  static void startMember() {
    int port = ThreadLocalRandom.current().nextInt(20000, 40000);
    cfg = new ClusterConfig("dns-latency-test", AdminToken.random(), new Endpoint("127.0.0.1", port),
        List.of("127.0.0.1:" + port), 1000, 5000);
    hz = ClusterNode.start(cfg, "dns-latency-" + port, false);
    mac = RecordMac.fromSecret(cfg.secret());
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopMember() throws Exception {
    await(vertx.close());
    hz.shutdown();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "{\"rttMillis\": 23.5, \"atMillis\": 1700000000000} | 23.5",
      "{\"rttMillis\": 7, \"atMillis\": 1}               | 7.0",
      "{\"rttMillis\": -1, \"atMillis\": 1}              | -",
      "{\"rttMillis\": \"fast\", \"atMillis\": 1}        | -",
      "{\"rttMillis\": 5}                                | -",
      "not json                                          | -"})
  void parsesValues(String json, Double rtt) {
    LatencyTable.Sample s = HazelcastLatency.parse(json);
    assertThat(s == null ? null : s.rttMillis()).isEqualTo(rtt);
  }

  @Test
  void theClientGoesToTheFasterEdgeEvenWhenItIsFarther() throws Exception {
    HttpServer healthy = await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok")).listen(0, "127.0.0.1"));
    String member = hz.getCluster().getLocalMember().getUuid().toString();
    long now = System.currentTimeMillis();
    var edges = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    edges.put("eu-west", new EdgeRecord("eu-west", "eu", 50.11, 8.68, "127.0.0.12", null, healthy.actualPort(), 0, 0, EdgeState.ACTIVE, member, now).signed(mac));
    edges.put("us-east", new EdgeRecord("us-east", "us", 39.04, -77.49, "127.0.0.11", null, healthy.actualPort(), 0, 0, EdgeState.ACTIVE, member, now).signed(mac));
    DnsConfig config = ConfigLoader.parse("""
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20}]
        rrl: {enabled: false}
        """, "latency.yaml", DnsConfig.class).withCluster(cfg);
    DnsServer server = new DnsServer(vertx, config, "classpath:latency.yaml", hz, Clock.systemUTC());
    int port = await(server.start());
    try {
      assertThat(ask(port)).isEqualTo("127.0.0.12");
      var latency = hz.<String, Object>getMap(HazelcastLatency.MAP);
      // written without the cluster secret: ignored, counted, and the client stays on the nearer edge
      latency.put("81.2.69.0/24|us-east", sample("81.2.69.0/24|us-east", 1.0, System.currentTimeMillis(),
          RecordMac.fromSecret("not-the-cluster-secret-0123")));
      latency.put("81.2.69.0/24|eu-west", "{\"rttMillis\": 95.0, \"atMillis\": " + System.currentTimeMillis() + "}");
      assertThat(eventually(5000, () -> rejected(server, "latency", "forged") >= 2)).isTrue();
      assertThat(ask(port)).isEqualTo("127.0.0.12");
      assertThat(server.router().latency().samples()).isEmpty();

      latency.put("81.2.69.0/24|us-east", new HazelcastJsonValue(sample("81.2.69.0/24|us-east", 12.0, System.currentTimeMillis(), mac)));
      latency.put("81.2.69.0/24|eu-west", sample("81.2.69.0/24|eu-west", 95.0, System.currentTimeMillis(), mac));
      assertThat(eventually(5000, () -> "127.0.0.11".equals(ask(port)))).isTrue();
      assertThat(server.router().latency().samples()).containsKeys("81.2.69.0/24|us-east", "81.2.69.0/24|eu-west");
    } finally {
      edges.clear();
      hz.getMap(HazelcastLatency.MAP).clear();
      await(server.stop());
      await(healthy.close());
    }
  }

  /** A map value as the edges write it, tagged with {@code key}. */
  static String sample(String key, double rtt, long at, RecordMac key2) {
    return "{\"rttMillis\":" + rtt + ",\"atMillis\":" + at + ",\"tag\":\""
        + RecordMac.hex(key2.tag(LatencyRecords.sample(key, rtt, at))) + "\"}";
  }

  @Test
  void samplesAreCheckedAgainstTheirKeyAndTime() {
    RecordCheck check = new RecordCheck(mac);
    long now = 1_700_000_000_000L;
    String v = sample("81.2.69.0/24|eu-west", 20.0, now, mac);
    assertThat(HazelcastLatency.sample("81.2.69.0/24|eu-west", v, check, now)).isEqualTo(new LatencyTable.Sample(20.0, now));
    assertThat(HazelcastLatency.sample("81.2.69.0/24|us-east", v, check, now)).as("moved to another edge").isNull();
    assertThat(HazelcastLatency.sample("1.0.16.0/24|eu-west", v, check, now)).as("moved to another prefix").isNull();
    assertThat(HazelcastLatency.sample("81.2.69.0/24|eu-west", v.replace("20.0", "2.0"), check, now)).as("altered").isNull();
    assertThat(check.forgedCount()).isEqualTo(3);
    assertThat(HazelcastLatency.sample("81.2.69.0/24|eu-west", v, check, now + HazelcastLatency.MAX_AGE_MILLIS + 1)).isNull();
    assertThat(HazelcastLatency.sample("81.2.69.0/24|eu-west", v, check, now - HazelcastLatency.MAX_AHEAD_MILLIS - 1)).isNull();
    assertThat(check.staleCount()).isEqualTo(2);
  }

  /** The value of {@code dns_cluster_records_rejected_total{map,reason}} in the server's metrics. */
  static double rejected(DnsServer server, String map, String reason) {
    String prefix = "dns_cluster_records_rejected_total{map=\"" + map + "\",reason=\"" + reason + "\"} ";
    return server.operations().metrics().scrape().lines().filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()))).findFirst().orElse(-1);
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
