package io.opencdn.dns.cluster;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsConfig;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.routing.Edge;
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
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The edge registry read from a real Hazelcast member. */
class HazelcastEdgesTest {

  private static HazelcastInstance hz;
  private static Vertx vertx;

  @BeforeAll
  static void startMember() {
    int port = ThreadLocalRandom.current().nextInt(20000, 40000);
    ClusterConfig cfg = new ClusterConfig("dns-test", AdminToken.random(), new Endpoint("127.0.0.1", port),
        List.of("127.0.0.1:" + port), 1000, 5000);
    hz = ClusterNode.start(cfg, "dns-test-" + port, false);
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

  private static EdgeRecord record(String id, String ip, int httpPort) {
    return new EdgeRecord(id, "test", 50.11, 8.68, ip, null, httpPort, 100, 0, EdgeState.ACTIVE,
        hz.getCluster().getLocalMember().getUuid().toString(), System.currentTimeMillis());
  }

  @Test
  void anEdgePutIntoTheMapAppearsAndDisappearsWhenRemoved() throws Exception {
    HealthProbe alwaysUp = r -> Future.succeededFuture(true);
    EdgeDirectory directory = new EdgeDirectory(vertx, new HazelcastEdges(vertx, hz),
        new DnsConfig.Health(100, 100, 2, 2), alwaysUp, Clock.systemUTC());
    await(directory.start());
    try {
      hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).put("eu-west", record("eu-west", "127.0.0.12", 8080));
      assertThat(eventually(5000, () -> directory.current().edges().stream().map(Edge::id).toList().equals(List.of("eu-west")))).isTrue();
      assertThat(directory.current().edges().get(0).ipv4().getHostAddress()).isEqualTo("127.0.0.12");
      assertThat(new HazelcastEdges(vertx, hz).liveMembers()).contains(hz.getCluster().getLocalMember().getUuid().toString());
      hz.getMap(ClusterMaps.EDGES).remove("eu-west");
      assertThat(eventually(5000, () -> directory.current().isEmpty())).isTrue();
    } finally {
      await(directory.stop());
    }
  }

  @Test
  void aServerWithHazelcastAnswersWithTheRegisteredHealthyEdge() throws Exception {
    HttpServer edge = await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok")).listen(0, "127.0.0.1"));
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES).put("local", record("local", "127.0.0.1", edge.actualPort()));
    DnsServer server = new DnsServer(vertx, testConfig(), TEST_CONFIG, hz, Clock.systemUTC());
    int port = await(server.start());
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
      await(server.stop());
      await(edge.close());
    }
  }
}
