package io.opencdn.dns.edges;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpHealthProbeTest {

  private Vertx vertx;
  private HttpHealthProbe probe;
  private final AtomicInteger status = new AtomicInteger(200);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    probe = new HttpHealthProbe(vertx, 300);
  }

  @AfterEach
  void tearDown() throws Exception {
    probe.close();
    await(vertx.close());
  }

  private static EdgeRecord edge(int port) {
    return new EdgeRecord("e", "r", 0, 0, "127.0.0.1", null, port, 1, 0, EdgeState.ACTIVE, null, 0);
  }

  @Test
  void passesOn2xxFailsOtherwiseAndWhenDown() throws Exception {
    HttpServer server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.response()
                            .setStatusCode(req.path().equals("/_cdn/health") ? status.get() : 404)
                            .end())
                .listen(0, "127.0.0.1"));
    int port = server.actualPort();
    assertThat(await(probe.probe(edge(port)))).isTrue();
    status.set(503);
    assertThat(await(probe.probe(edge(port)))).isFalse();
    status.set(204);
    assertThat(await(probe.probe(edge(port)))).isTrue();
    await(server.close());
    assertThat(await(probe.probe(edge(port)))).isFalse();
  }

  @Test
  void aSilentServerFailsWithinTheTimeout() throws Exception {
    HttpServer silent =
        await(vertx.createHttpServer().requestHandler(req -> {}).listen(0, "127.0.0.1"));
    long start = System.nanoTime();
    assertThat(await(probe.probe(edge(silent.actualPort())))).isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
    await(silent.close());
  }

  @Test
  void ipv6EdgesAreProbedInBrackets() throws Exception {
    HttpServer server =
        await(
            vertx.createHttpServer().requestHandler(req -> req.response().end()).listen(0, "::1"));
    EdgeRecord v6 =
        new EdgeRecord(
            "e", "r", 0, 0, null, "::1", server.actualPort(), 1, 0, EdgeState.ACTIVE, null, 0);
    assertThat(await(probe.probe(v6))).isTrue();
    await(server.close());
  }
}
