package io.opencdn.dns.edges;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.config.StaticEdge;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EdgeProbeTest {

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  static StaticEdge stat(String id, String url, Integer port) {
    return new StaticEdge(id, null, 1.0, 2.0, "127.0.0.1", null, null, null, null, url, port);
  }

  @Test
  void staticEdgesAreCheckedByUrlByPortOrNotAtAll() throws Exception {
    HttpServer http =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> req.response().setStatusCode(req.path().equals("/ok") ? 204 : 503).end())
                .listen(0, "127.0.0.1"));
    java.net.ServerSocket tcp =
        new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
    int tcpPort = tcp.getLocalPort();
    String base = "http://127.0.0.1:" + http.actualPort();
    List<StaticEdge> statics =
        List.of(
            stat("url-ok", base + "/ok", null),
            stat("url-bad", base + "/bad", null),
            stat("tcp", null, tcpPort),
            stat("unchecked", null, null));
    EdgeProbe probe = new EdgeProbe(vertx, 2000, statics);
    long now = System.currentTimeMillis();
    assertThat(await(probe.probe(statics.get(0).toRecord(now)))).isTrue();
    assertThat(await(probe.probe(statics.get(1).toRecord(now)))).isFalse();
    assertThat(await(probe.probe(statics.get(2).toRecord(now)))).isTrue();
    assertThat(await(probe.probe(statics.get(3).toRecord(now)))).isTrue();
    tcp.close();
    assertThat(await(probe.probe(statics.get(2).toRecord(now))))
        .as("port " + tcpPort + " closed")
        .isFalse();
    // a cluster edge (with a member) gets GET /_cdn/health on its HTTP port
    EdgeRecord cluster =
        new EdgeRecord(
            "url-ok",
            null,
            1,
            2,
            "127.0.0.1",
            null,
            http.actualPort(),
            0,
            0,
            EdgeState.ACTIVE,
            "m",
            now);
    assertThat(await(probe.probe(cluster))).isFalse();
    probe.close();
  }
}
