package io.opencdn.edge.http;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * While an edge joins its cluster its address answers 503: the health endpoint with state JOINING
 * and what it waits for (the DNS server's health check passes only 2xx), every other request with a
 * plain 503 and Retry-After; after close() the address is free for the edge's listeners.
 */
class JoiningListenerTest {

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void answers503WithWhatItWaitsForUntilClosed() throws Exception {
    AtomicReference<String> detail =
        new AtomicReference<>("joining cluster demo for 3 s (attempt 1)");
    JoiningListener l =
        await(JoiningListener.start(vertx, "eu-west", "europe", "127.0.0.1", 0, detail::get));

    HttpResponse<String> health = get(l.port(), "/_cdn/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(new JsonObject(health.body()))
        .isEqualTo(
            new JsonObject()
                .put("id", "eu-west")
                .put("region", "europe")
                .put("state", JoiningListener.STATE)
                .put("detail", "joining cluster demo for 3 s (attempt 1)"));
    detail.set("joining cluster demo for 9 s (attempt 2)");
    assertThat(new JsonObject(get(l.port(), "/_cdn/health").body()).getString("detail"))
        .endsWith("(attempt 2)");

    HttpResponse<String> page = get(l.port(), "/index.html");
    assertThat(page.statusCode()).isEqualTo(503);
    assertThat(page.body())
        .isEqualTo(
            "503 Service Unavailable: edge eu-west is starting (joining cluster demo for 9 s (attempt 2))\n");

    int port = l.port();
    await(l.close());
    try (java.net.ServerSocket s = new java.net.ServerSocket()) {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      assertThat(s.isBound()).as("the address is free after close").isTrue();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
