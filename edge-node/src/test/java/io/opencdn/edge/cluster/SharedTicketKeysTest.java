package io.opencdn.edge.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.TestOrigin;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.tls.Pems;
import io.opencdn.edge.tls.TicketKeys;
import io.opencdn.testing.Ports;
import io.opencdn.testing.SelfSigned;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session tickets issued by one edge are accepted by another edge of the cluster (the keys come
 * sealed through the {@code tls-ticket-keys} map), with TLS 1.2 and TLS 1.3, as OpenSSL's {@code
 * s_client} sees it; an edge outside the cluster makes a full handshake. The sealing refuses values
 * made with another secret, for another epoch, or altered.
 */
class SharedTicketKeysTest {

  static final String HOST = "www.cdn.test";

  @TempDir Path dir;

  final List<Vertx> vertxes = new ArrayList<>();
  final List<EdgeNode> edges = new ArrayList<>();
  final List<TestCluster> clusters = new ArrayList<>();
  TestOrigin origin;

  @AfterEach
  void tearDown() {
    edges.forEach(e -> await(e.stop()));
    vertxes.forEach(v -> await(v.close()));
    clusters.forEach(TestCluster::close);
  }

  @Test
  void aClientResumesOnAnotherEdgeOfTheCluster() throws Exception {
    SelfSigned.Pem pem = Pems.make(dir, "www", HOST, false);
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    origin = new TestOrigin(v);
    origin.content("/t", "ticket", "Cache-Control", "max-age=60");
    TestCluster cluster = TestCluster.start("tickets", 2);
    clusters.add(cluster);
    for (int i = 0; i < 2; i++) {
      edges.add(start(config("edge-" + i, pem, cluster.config(i)), cluster.member(i)));
    }
    EdgeNode alone = start(config("alone", pem, null), null);

    for (String version : List.of("-tls1_2", "-tls1_3")) {
      Path session = dir.resolve("session" + version);
      String first = sClient(edges.get(0).tlsPort(), version, "-sess_out", session.toString());
      assertThat(first).contains("New,").contains("ticket");
      String resumed = sClient(edges.get(1).tlsPort(), version, "-sess_in", session.toString());
      assertThat(resumed).as(version + " on the other edge").contains("Reused,");
      String outside = sClient(alone.tlsPort(), version, "-sess_in", session.toString());
      assertThat(outside).as(version + " outside the cluster").contains("New,");
    }
    assertThat(edges.get(0).tls().stats().getLong("ticketKeyEpoch"))
        .isEqualTo(edges.get(1).tls().stats().getLong("ticketKeyEpoch"));
  }

  @Test
  void sealedKeysOpenOnlyWithTheSecretAndTheirEpoch() {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    TestCluster cluster = TestCluster.start("seal", 1);
    clusters.add(cluster);
    HazelcastInstance hz = cluster.member(0);
    ClusterTicketKeys mine = new ClusterTicketKeys(v, hz, "a-cluster-secret-0123456789");
    ClusterTicketKeys theirs = new ClusterTicketKeys(v, hz, "another-secret-0123456789");
    byte[] key = new byte[TicketKeys.KEY_BYTES];
    key[0] = 7;
    byte[] sealed = mine.seal(42, key);

    assertThat(mine.open(42, sealed)).isEqualTo(key);
    assertThat(mine.open(43, sealed)).isNull();
    assertThat(theirs.open(42, sealed)).isNull();
    sealed[sealed.length - 1] ^= 1;
    assertThat(mine.open(42, sealed)).isNull();
  }

  private EdgeNode start(EdgeConfig cfg, HazelcastInstance hz) {
    Vertx v = Vertx.vertx();
    vertxes.add(v);
    EdgeNode e = new EdgeNode(v, cfg, hz, Clock.systemUTC());
    await(e.start());
    if (hz == null) {
      edges.add(e);
    }
    return e;
  }

  private EdgeConfig config(String id, SelfSigned.Pem pem, ClusterConfig cluster) {
    TlsConfig tls =
        new TlsConfig(
            Endpoint.parse("127.0.0.1:" + Ports.free()),
            List.of(new TlsConfig.Certificate(pem.cert().toString(), pem.key().toString())),
            true,
            "openssl",
            null,
            null);
    return EdgeConfig.builder()
        .id(id)
        .region("eu")
        .latitude(50.0)
        .longitude(8.0)
        .listen(Endpoint.parse("127.0.0.1:" + Ports.free()))
        .capacity(100)
        .adminToken(ClusterHarness.TOKEN)
        .cache(new CacheConfig(1L << 20, null))
        .origin(new OriginConfig(1000, 5000))
        .distributions(List.of(new DistributionConfig(HOST, origin.url())))
        .cluster(cluster)
        .tls(tls)
        .build();
  }

  /** {@code openssl s_client} sending one request that closes the connection; yields its output. */
  static String sClient(int port, String version, String... session) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                HOST,
                version,
                "-ign_eof"));
    cmd.addAll(List.of(session));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream()
        .write(
            ("GET /t HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("s_client output").contains("ticket");
    return out;
  }
}
