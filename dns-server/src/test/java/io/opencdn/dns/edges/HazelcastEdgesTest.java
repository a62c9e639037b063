package io.opencdn.dns.edges;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.OneMemberTest;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.HealthConfig;
import io.opencdn.dns.config.StaticEdge;
import io.opencdn.dns.latency.HazelcastLatency;
import io.opencdn.dns.routing.Edge;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The edge registry read from a real Hazelcast member. */
class HazelcastEdgesTest extends OneMemberTest {

  private static EdgeRecord record(String id, String ip, int httpPort) {
    return new EdgeRecord(
            id,
            "test",
            50.11,
            8.68,
            ip,
            null,
            httpPort,
            100,
            0,
            EdgeState.ACTIVE,
            hz.getCluster().getLocalMember().getUuid().toString(),
            System.currentTimeMillis())
        .signed(mac);
  }

  private static HazelcastEdges edges() {
    return new HazelcastEdges(vertx, hz, new RecordCheck(mac));
  }

  @Test
  void anEdgePutIntoTheMapAppearsAndDisappearsWhenRemoved() throws Exception {
    HealthProbe alwaysUp = r -> Future.succeededFuture(true);
    EdgeDirectory directory =
        new EdgeDirectory(
            vertx, edges(), new HealthConfig(100, 100, 2, 2), alwaysUp, Clock.systemUTC());
    await(directory.start(), SLOW);
    try {
      hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES)
          .put("eu-west", record("eu-west", "127.0.0.12", 8080));
      assertThat(
              eventually(
                  5000,
                  () ->
                      directory.current().edges().stream()
                          .map(Edge::id)
                          .toList()
                          .equals(List.of("eu-west"))))
          .isTrue();
      assertThat(directory.current().edges().get(0).ipv4().getHostAddress())
          .isEqualTo("127.0.0.12");
      assertThat(edges().liveMembers())
          .contains(hz.getCluster().getLocalMember().getUuid().toString());
      hz.getMap(ClusterMaps.EDGES).remove("eu-west");
      assertThat(eventually(5000, () -> directory.current().isEmpty())).isTrue();
    } finally {
      await(directory.stop(), SLOW);
    }
  }

  @Test
  void aServerWithHazelcastAnswersWithTheRegisteredHealthyEdge() throws Exception {
    HttpServer edge =
        await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES)
        .put("local", record("local", "127.0.0.1", edge.actualPort()));
    DnsServer server =
        new DnsServer(vertx, testConfig().withCluster(cfg), TEST_CONFIG, hz, Clock.systemUTC());
    int port = await(server.start(), SLOW);
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      byte[] wire = query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      Message r = parse(java.util.Arrays.copyOf(buf, in.getLength()));
      assertThat(section(r, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.1");
    } finally {
      hz.getMap(ClusterMaps.EDGES).remove("local");
      await(server.stop(), SLOW);
      await(edge.close(), SLOW);
    }
  }

  @Test
  void recordsWithoutTheClusterSecretsTagAreIgnoredAndCounted() throws Exception {
    var map = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    HazelcastEdges edges = edges();
    EdgeRecord good = record("eu-west", "127.0.0.12", 8080);
    RecordMac rogue = RecordMac.fromSecret("not-the-cluster-secret-0123");
    try {
      map.put("eu-west", good);
      // a rogue edge, signed with another key
      map.put(
          "rogue",
          new EdgeRecord(
                  "rogue",
                  "test",
                  51.5,
                  -0.1,
                  "127.0.0.66",
                  null,
                  8080,
                  100,
                  0,
                  EdgeState.ACTIVE,
                  good.memberUuid(),
                  good.heartbeatMillis())
              .signed(rogue));
      // a good record moved under another key, and an unsigned one
      map.put("us-east", good);
      map.put(
          "ap-northeast",
          new EdgeRecord(
              "ap-northeast",
              "test",
              35.7,
              139.7,
              "127.0.0.66",
              null,
              8080,
              100,
              0,
              EdgeState.ACTIVE,
              good.memberUuid(),
              good.heartbeatMillis()));
      assertThat(await(edges.fetch(), SLOW)).containsExactly(good);
      assertThat(edges.check().forgedCount()).isEqualTo(3);
    } finally {
      map.clear();
    }
  }

  /** Not on the cluster's Java deserialization allowlist: a member reading it gets an exception. */
  record Unreadable(String text) implements java.io.Serializable {}

  @Test
  void entriesOfAnyTypeOrUnreadableDoNotHideTheAuthenticOnes() throws Exception {
    var map = hz.<Object, Object>getMap(ClusterMaps.EDGES);
    HazelcastEdges edges = edges();
    EdgeRecord good = record("eu-west", "127.0.0.12", 8080);
    try {
      map.put("eu-west", good);
      map.put("text", "not a record");
      map.put(42, good);
      map.put("gadget", new Unreadable("x"));
      assertThat(await(edges.fetch(), SLOW)).containsExactly(good);
      assertThat(edges.check().forgedCount()).isEqualTo(3);
    } finally {
      map.clear();
    }
  }

  @Test
  void aForgedValueOverAnEdgesEntryLeavesItsLastAuthenticRecordInPlace() throws Exception {
    var map = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    HazelcastEdges edges = edges();
    EdgeRecord good = record("eu-west", "127.0.0.12", 8080);
    try {
      map.put("eu-west", good);
      assertThat(await(edges.fetch(), SLOW)).containsExactly(good);
      map.put(
          "eu-west",
          good.withLoad(0, EdgeState.DRAINING, good.heartbeatMillis() + 1)
              .signed(RecordMac.fromSecret("not-the-cluster-secret-0123")));
      assertThat(await(edges.fetch(), SLOW)).as("neither drained nor gone").containsExactly(good);
      map.remove("eu-west");
      assertThat(await(edges.fetch(), SLOW)).as("a removal does remove it").isEmpty();
    } finally {
      map.clear();
    }
  }

  @Test
  void anOlderRecordOfTheSameMemberIsAReplayAndTheNewerOneIsKept() throws Exception {
    var map = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    HazelcastEdges edges = edges();
    EdgeRecord active = record("eu-west", "127.0.0.12", 8080);
    EdgeRecord drained =
        active.withLoad(0, EdgeState.DRAINING, active.heartbeatMillis() + 1000).signed(mac);
    try {
      map.put("eu-west", drained);
      assertThat(await(edges.fetch(), SLOW)).containsExactly(drained);
      map.put("eu-west", active); // replayed by a member that saw it go by: the drain must hold
      assertThat(await(edges.fetch(), SLOW)).containsExactly(drained);
      assertThat(edges.check().staleCount()).isEqualTo(1);
      assertThat(edges.check().forgedCount()).isZero();
    } finally {
      map.clear();
    }
  }

  @Test
  void aLiteMemberAloneReadsAnEmptyRegistry() throws Exception {
    TestCluster lone = TestCluster.builder("dns-lite").timing(1000, 5000).lite(0).start();
    ClusterConfig alone = lone.config(0);
    HazelcastInstance lite = lone.member(0);
    try {
      HazelcastEdges edges = new HazelcastEdges(vertx, lite, RecordCheck.of(alone.secret()));
      assertThat(await(edges.fetch(), SLOW)).isEmpty();
      HazelcastLatency latency =
          new HazelcastLatency(
              vertx, lite, 1000, RecordCheck.of(alone.secret()), Clock.systemUTC());
      await(latency.refresh(), SLOW);
      assertThat(latency.current().samples()).isEmpty();
    } finally {
      lone.close();
    }
  }

  /**
   * DNS servers are lite members: with no edge up the cluster holds no data, and static edges still
   * answer.
   */
  @Test
  void aServerOnALiteMemberWithNoEdgeUpAnswersWithItsStaticEdge() throws Exception {
    HttpServer edge =
        await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
    TestCluster lone = TestCluster.builder("dns-lite-static").timing(1000, 5000).lite(0).start();
    ClusterConfig alone = lone.config(0);
    HazelcastInstance lite = lone.member(0);
    DnsConfig base = testConfig();
    DnsConfig config =
        new DnsConfig(
            base.listen(),
            base.zones(),
            base.geo(),
            base.routing(),
            new HealthConfig(100, 100, 1, 1),
            alone,
            List.of(
                new StaticEdge(
                    "static",
                    null,
                    50.11,
                    8.68,
                    "127.0.0.1",
                    null,
                    null,
                    null,
                    null,
                    "http://127.0.0.1:" + edge.actualPort() + "/",
                    null)),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    DnsServer server = new DnsServer(vertx, config, TEST_CONFIG, lite, Clock.systemUTC());
    int dnsPort = await(server.start(), SLOW);
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      assertThat(
              eventually(
                  10_000,
                  () -> {
                    try {
                      byte[] wire = query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire();
                      socket.send(
                          new DatagramPacket(
                              wire, wire.length, InetAddress.getLoopbackAddress(), dnsPort));
                      byte[] buf = new byte[2048];
                      DatagramPacket in = new DatagramPacket(buf, buf.length);
                      socket.receive(in);
                      return section(
                              parse(java.util.Arrays.copyOf(buf, in.getLength())), Section.ANSWER)
                          .equals(List.of("www.cdn.test. 20 IN A 127.0.0.1"));
                    } catch (java.io.IOException e) {
                      return false;
                    }
                  }))
          .isTrue();
    } finally {
      await(server.stop(), SLOW);
      await(edge.close(), SLOW);
      lone.close();
    }
  }
}
