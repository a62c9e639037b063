package io.opencdn.edge.http;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.AdminToken;
import io.opencdn.edge.admin.AdminEndpoints;
import io.opencdn.edge.admin.AdminRoute;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Admin logs under hostile input: admin actions and refused admin calls are logged, refusals at a
 * bounded rate, never a token (the access log's escaping: {@code AccessLogTest}).
 */
class LogInjectionTest {

  static final String TOKEN = "test-admin-token-0123456789";
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    AdminEndpoints.logger(org.slf4j.LoggerFactory.getLogger("admin"));
    await(vertx.close());
  }

  static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * The admin endpoints of edge e1 with {@code routes} on a port of their own, logging to {@code
   * log}: the port.
   */
  private int adminServer(CapturedLog log, List<AdminRoute> routes) {
    AdminEndpoints.logger(log);
    AdminEndpoints admin =
        new AdminEndpoints(
            "e1",
            "r1",
            AdminToken.of(TOKEN),
            new EdgeMetrics(),
            new MemoryCache(1 << 20, Clock.systemUTC()),
            () -> 0,
            () -> "ACTIVE",
            routes);
    return await(vertx.createHttpServer().requestHandler(admin::handle).listen(0, "127.0.0.1"))
        .actualPort();
  }

  @Test
  void adminActionsAndRefusalsAreLoggedWithoutTokens() throws Exception {
    CapturedLog log = new CapturedLog();
    int port =
        adminServer(
            log, List.of(new AdminRoute("/_cdn/drain", true, req -> req.response().end("{}"))));

    String ok =
        raw(
            port,
            "POST /_cdn/drain HTTP/1.1\r\nHost: e\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    String refused =
        raw(
            port,
            "POST /_cdn/drain HTTP/1.1\r\nHost: e\r\nAuthorization: Bearer wrong-token-abcdef-0123"
                + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    String read =
        raw(
            port,
            "GET /_cdn/stats HTTP/1.1\r\nHost: e\r\nAuthorization: Bearer "
                + TOKEN
                + "\r\nConnection: close\r\n\r\n");
    raw(port, "GET /_cdn/health HTTP/1.1\r\nHost: e\r\nConnection: close\r\n\r\n");
    io.opencdn.testing.Await.until(Duration.ofSeconds(5), () -> log.lines.size() == 2);

    assertThat(ok).startsWith("HTTP/1.1 200 ");
    assertThat(refused).startsWith("HTTP/1.1 401 ");
    assertThat(read).startsWith("HTTP/1.1 200 ");
    assertThat(log.lines)
        .containsExactly(
            "INFO admin: 127.0.0.1 \"POST /_cdn/drain\" 200",
            "WARN admin call refused: 127.0.0.1 \"POST /_cdn/drain\" 401");
    assertThat(String.join("\n", log.lines)).doesNotContain(TOKEN, "wrong-token");
  }

  @Test
  void aFloodOfRefusedCallsIsLoggedAtABoundedRate() throws Exception {
    CapturedLog log = new CapturedLog();
    int port = adminServer(log, List.of());
    StringBuilder pipelined = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      pipelined
          .append("GET /_cdn/stats HTTP/1.1\r\nHost: e\r\n")
          .append(i == 199 ? "Connection: close\r\n" : "")
          .append("\r\n");
    }

    String answers = raw(port, pipelined.toString());

    assertThat(answers.split("HTTP/1.1 401 ", -1)).hasSize(201);
    io.opencdn.testing.Await.until(Duration.ofSeconds(5), () -> !log.lines.isEmpty());
    // 200 refusals within at most a few seconds: at most 10 lines a second get through
    assertThat(log.lines.size()).isBetween(1, 10 * 4);
  }
}
