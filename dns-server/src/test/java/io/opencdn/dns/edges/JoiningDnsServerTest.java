package io.opencdn.dns.edges;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server whose cluster member is still joining ({@link DnsServer#joining}): it answers its
 * static zones at once, has no cluster edges yet and says "not ready" on {@code /healthz}; once the
 * member has joined it routes the geo name to the registered edge and is ready.
 */
class JoiningDnsServerTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  static final Duration SLOW = Duration.ofSeconds(20);

  static final String TOKEN = "joining-test-token-0123456789";

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private TestCluster cluster;
  private HazelcastInstance hz;
  private DnsServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.stop(), SLOW);
    }
    await(vertx.close(), SLOW);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void staticZonesAreAnsweredWhileJoiningAndTheGeoNameOnceJoined() throws Exception {
    // the member is started later, in the spare slot: the server joins while it is missing
    cluster = TestCluster.builder("joining-test").members(0).spare(1).start();
    int hzPort = cluster.config(0).bind().port();
    String secret = cluster.secret();
    DnsConfig cfg =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 100, timeoutMillis: 300, fall: 2, rise: 2}
        admin: {listen: 127.0.0.1:0, token: %s}
        cluster: {name: joining-test, secret: %s, bind: 127.0.0.1:%d, members: [127.0.0.1:%d]}
        """
                .formatted(TOKEN, secret, hzPort, hzPort),
            "joining-dns.yaml",
            DnsConfig.class);
    Promise<HazelcastInstance> member = Promise.promise();
    server =
        DnsServer.joining(
            vertx, cfg, "classpath:demo/dns.yaml", member.future(), Clock.systemUTC());
    int port = await(server.start(), SLOW);

    Message soa = udp(port, query("cdn.test.", Type.SOA, null));
    assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(section(soa, Section.ANSWER)).hasSize(1);
    Message geo = udp(port, query("www.cdn.test.", Type.A, "81.2.69.0/24"));
    assertThat(geo.getRcode()).as("no edge known before joining").isEqualTo(Rcode.SERVFAIL);
    assertThat(server.ready()).isFalse();
    assertThat(healthz()).isEqualTo("503 not ready: joining the cluster");

    hz = cluster.startMember(0, false);
    HttpServer edge =
        await(
            vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1"),
            SLOW);
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES)
        .put(
            "local",
            new EdgeRecord(
                    "local",
                    "test",
                    50.11,
                    8.68,
                    "127.0.0.1",
                    null,
                    edge.actualPort(),
                    100,
                    0,
                    EdgeState.ACTIVE,
                    hz.getCluster().getLocalMember().getUuid().toString(),
                    System.currentTimeMillis())
                .signed(io.opencdn.common.cluster.RecordMac.fromSecret(secret)));
    member.complete(hz);

    assertThat(
            eventually(
                10_000,
                () ->
                    section(
                            udp(port, query("www.cdn.test.", Type.A, "81.2.69.0/24")),
                            Section.ANSWER)
                        .equals(List.of("www.cdn.test. 20 IN A 127.0.0.1"))))
        .as("routed once joined")
        .isTrue();
    assertThat(server.ready()).isTrue();
    assertThat(healthz()).isEqualTo("200 ok");
    await(edge.close(), SLOW);
  }

  private String healthz() throws Exception {
    int admin = server.operations().adminPort();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  private static Message udp(int port, Message query) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(3000);
      byte[] q = query.toWire();
      s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
      s.receive(in);
      return parse(java.util.Arrays.copyOf(in.getData(), in.getLength()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
