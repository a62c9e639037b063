package io.opencdn.edge.admin.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.AdminToken;
import io.opencdn.testing.Await;
import io.opencdn.testing.TestClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page's endpoints on a real listener: a login link needs the token, opens one session, and the
 * session (or the token) reaches the page, its files, the snapshot, the event stream and explain.
 */
class StatusEndpointsTest {

  static final String TOKEN = "status-endpoints-token-0123456789";

  final HttpClient http = HttpClient.newHttpClient();
  Vertx vertx;
  int port;
  volatile JsonObject picture = new JsonObject().put("edges", 1);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    StatusSource source =
        new StatusSource() {
          @Override
          public JsonObject snapshot() {
            return picture;
          }

          @Override
          public Future<String> explain(String client, String host) {
            if (client == null || client.isBlank()) {
              return Future.failedFuture(new IllegalArgumentException("client: required"));
            }
            return Future.succeededFuture("answer for " + client + " " + host + "\n");
          }
        };
    StatusEndpoints endpoints =
        new StatusEndpoints(
            vertx, AdminToken.of(TOKEN), new StatusSessions(new TestClock()), source);
    port =
        Await.await(
                vertx
                    .createHttpServer()
                    .requestHandler(req -> endpoints.route().handler().handle(req))
                    .listen(0, "127.0.0.1"))
            .actualPort();
  }

  @AfterEach
  void stop() {
    Await.await(vertx.close());
  }

  @Test
  void aOneTimeLinkOpensASession() throws Exception {
    assertThat(send("POST", "/_cdn/status/links", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/_cdn/status", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> link = send("POST", "/_cdn/status/links", TOKEN, null);
    assertThat(link.statusCode()).isEqualTo(201);
    String path = new JsonObject(link.body()).getString("path");
    assertThat(path).startsWith("/_cdn/status/login?code=").doesNotContain(TOKEN);

    HttpResponse<String> login = send("GET", path, null, null);
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).contains("/_cdn/status");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly", "SameSite=Strict", "Path=/_cdn/status");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(send("GET", path, null, null).statusCode()).as("used once").isEqualTo(403);

    HttpResponse<String> page = send("GET", "/_cdn/status", null, cookie);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<svg id=\"map\"").doesNotContain(TOKEN);
    assertThat(send("GET", "/_cdn/status/assets/d3.min.js", null, cookie).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/_cdn/status/assets/nothere.js", null, cookie).statusCode())
        .isEqualTo(404);
    assertThat(send("GET", "/_cdn/status/snapshot", null, cookie).body())
        .isEqualTo("{\"edges\":1}");
    assertThat(send("GET", "/_cdn/status/snapshot", null, "cdn_status=forged").statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/_cdn/status/snapshot", TOKEN, null).statusCode()).isEqualTo(200);
  }

  @Test
  void explainAsksTheSource() throws Exception {
    HttpResponse<String> ok =
        send("GET", "/_cdn/status/explain?client=81.2.69.1&host=www.cdn.test", TOKEN, null);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("answer for 81.2.69.1 www.cdn.test\n");
    assertThat(send("GET", "/_cdn/status/explain", TOKEN, null).statusCode()).isEqualTo(400);
  }

  @Test
  void eventsSendEachNewPicture() throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_cdn/status/events"))
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("data: {\"edges\":1}");
      assertThat(in.readLine()).isEmpty();
      picture = new JsonObject().put("edges", 2);
      long start = System.nanoTime();
      assertThat(in.readLine()).isEqualTo("data: {\"edges\":2}");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
  }

  private HttpResponse<String> send(String method, String path, String token, String cookie)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
