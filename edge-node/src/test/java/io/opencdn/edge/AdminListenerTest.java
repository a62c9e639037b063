package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With an {@code admin:} section, {@code /_cdn/*} is served on its own listener, apart from content
 * traffic.
 */
class AdminListenerTest {

  static final String TOKEN = "admin-listener-token-0123456789";
  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  Vertx vertx;
  TestOrigin origin;
  EdgeNode edge;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    origin = new TestOrigin(vertx);
    origin.route(
        "/page", req -> req.response().putHeader("Cache-Control", "max-age=60").end("content"));
    EdgeConfig cfg =
        ConfigLoader.parse(
            """
        id: admin-test
        latitude: 50
        longitude: 8
        listen: 127.0.0.1:0
        adminToken: %s
        admin: {listen: "127.0.0.1:0"}
        distributions: [{host: www.cdn.test, origin: "%s"}]
        """
                .formatted(TOKEN, origin.url()),
            "edge.yaml",
            EdgeConfig.class);
    edge = new EdgeNode(vertx, cfg, null, Clock.systemUTC());
    await(edge.start());
  }

  @AfterEach
  void stop() {
    await(edge.stop());
    await(vertx.close());
  }

  HttpResponse<String> get(int port, String path, boolean token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", "www.cdn.test");
    if (token) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void adminEndpointsAreOnTheAdminListenerOnly() throws Exception {
    int content = edge.port();
    int admin = edge.adminPort();
    assertThat(admin).isPositive().isNotEqualTo(content);

    for (String path : new String[] {"/_cdn/stats", "/_cdn/metrics"}) {
      assertThat(get(content, path, true).statusCode())
          .as("content listener " + path)
          .isEqualTo(404);
      assertThat(get(admin, path, true).statusCode()).as("admin listener " + path).isEqualTo(200);
      assertThat(get(admin, path, false).statusCode())
          .as("admin listener without the token " + path)
          .isEqualTo(401);
    }
    // the DNS servers' health check and the peer endpoint stay on the content listener
    assertThat(get(content, "/_cdn/health", false).statusCode()).isEqualTo(200);
    assertThat(get(admin, "/_cdn/health", false).statusCode()).isEqualTo(200);
    // content is not served on the admin listener
    assertThat(get(content, "/page", false).body()).isEqualTo("content");
    assertThat(get(admin, "/page", false).statusCode()).isEqualTo(404);
    assertThat(origin.count("/page")).isEqualTo(1);
  }
}
