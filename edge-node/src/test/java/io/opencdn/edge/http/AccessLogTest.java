package io.opencdn.edge.http;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.config.AccessLogConfig;
import io.opencdn.edge.metrics.EdgeMetrics;
import io.opencdn.testing.Await;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access log's lines: JSON with CloudFront's field names (or the chosen fields, or text), one
 * per sampled request, and every response's bytes counted.
 */
class AccessLogTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T10:00:00.042Z"), ZoneOffset.UTC);
  final Vertx vertx = Vertx.vertx();
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  AsyncLineWriter writer;

  @AfterEach
  void tearDown() {
    if (writer != null) {
      writer.close();
    }
    await(vertx.close());
  }

  /** The lines written so far. */
  List<String> lines() {
    String text;
    synchronized (bytes) {
      text = bytes.toString(StandardCharsets.ISO_8859_1);
    }
    return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
  }

  AccessLog log(AccessLogConfig config, EdgeMetrics metrics) {
    OutputStream out =
        new OutputStream() {
          @Override
          public void write(int b) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (bytes) {
              bytes.write(b, off, len);
            }
          }
        };
    writer = new AsyncLineWriter(out, config.queueBytes(), "test-access-log");
    return new AccessLog(writer, config, "e1", "europe", CLOCK, metrics);
  }

  int serve(AccessLog log, Handler<HttpServerRequest> answer) {
    return await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      AccessLog.Entry e = log.watch(req);
                      e.key(new CacheKey("www.cdn.test", req.uri()));
                      answer.handle(req);
                    })
                .listen(0, "127.0.0.1"))
        .actualPort();
  }

  static void get(
      Vertx vertx, HttpClient client, int port, String uri, Map<String, String> headers) {
    // the chain is built on an event loop so no body chunk arrives before its handler (vert.x
    // #5825)
    Promise<Buffer> body = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                client
                    .request(HttpMethod.GET, port, "127.0.0.1", uri)
                    .compose(
                        r -> {
                          r.putHeader("Host", "www.cdn.test");
                          headers.forEach(r::putHeader);
                          return r.send();
                        })
                    .compose(r -> r.body())
                    .onComplete(body));
    await(body.future());
  }

  @Test
  void jsonLinesCarryCloudFrontFieldsAndTheCountsOfEveryResponse() {
    EdgeMetrics metrics = new EdgeMetrics();
    int port =
        serve(
            log(AccessLogConfig.defaults(), metrics),
            req -> req.response().putHeader("X-Cache", "Hit from e1 (peer e2)").end("hello"));
    HttpClient client = vertx.createHttpClient();
    get(vertx, client, port, "/a/b.css?v=1", Map.of("Range", "bytes=0-1", "User-Agent", "curl/8"));
    get(vertx, client, port, "/plain", Map.of());
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 2);

    JsonObject first = new JsonObject(lines().get(0));
    assertThat(first.fieldNames()).containsExactlyElementsOf(AccessLogConfig.FIELDS);
    assertThat(lines().get(0)).startsWith("{\"timestamp\":1796637600.042,");
    assertThat(first.getString("c-ip")).isEqualTo("127.0.0.1");
    assertThat(first.getInteger("c-port")).isPositive();
    assertThat(first.getString("cs-method")).isEqualTo("GET");
    assertThat(first.getString("cs-host")).isEqualTo("www.cdn.test");
    assertThat(first.getString("cs-uri-stem")).isEqualTo("/a/b.css");
    assertThat(first.getString("cs-uri-query")).isEqualTo("v=1");
    assertThat(first.getString("cs-protocol")).isEqualTo("http");
    assertThat(first.getString("cs-protocol-version")).isEqualTo("HTTP/1.1");
    assertThat(first.getValue("ssl-protocol")).isNull();
    assertThat(first.getString("cs-range")).isEqualTo("bytes=0-1");
    assertThat(first.getString("cs-user-agent")).isEqualTo("curl/8");
    assertThat(first.getInteger("sc-status")).isEqualTo(200);
    assertThat(first.getLong("sc-bytes")).isEqualTo(5);
    assertThat(first.getDouble("time-taken")).isBetween(0.0, 5.0);
    assertThat(first.getDouble("time-to-first-byte")).isBetween(0.0, first.getDouble("time-taken"));
    assertThat(first.getString("x-edge-location")).isEqualTo("europe");
    assertThat(first.getString("edge-id")).isEqualTo("e1");
    assertThat(first.getString("x-edge-result-type")).isEqualTo("Hit");
    assertThat(first.getString("x-edge-detailed-result-type")).isEqualTo("Hit");
    assertThat(first.getString("cache-key")).isEqualTo("www.cdn.test/a/b.css?v=1");
    assertThat(first.getString("peer")).isEqualTo("e2");
    JsonObject second = new JsonObject(lines().get(1));
    assertThat(second.getValue("cs-uri-query")).isNull();
    assertThat(second.getValue("cs-range")).isNull();
    assertThat(metrics.scrape()).contains("cdn_response_bytes_total 10.0");
  }

  @Test
  void errorsAreClassified() {
    int port =
        serve(
            log(AccessLogConfig.defaults(), new EdgeMetrics()),
            req -> {
              switch (req.path()) {
                case "/bad" -> req.response().setStatusCode(421).end();
                case "/gw" ->
                    req.response().setStatusCode(502).putHeader("X-Cache", "Error from e1").end();
                case "/slow" ->
                    req.response().setStatusCode(504).putHeader("X-Cache", "Error from e1").end();
                default -> req.response().putHeader("X-Cache", "RefreshHit from e1").end();
              }
            });
    HttpClient client = vertx.createHttpClient();
    for (String p : List.of("/bad", "/gw", "/slow", "/ok")) {
      get(vertx, client, port, p, Map.of());
    }
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 4);
    List<String> types =
        lines().stream()
            .map(JsonObject::new)
            .map(
                j ->
                    j.getString("x-edge-result-type")
                        + "/"
                        + j.getString("x-edge-detailed-result-type"))
            .toList();
    assertThat(types)
        .containsExactly(
            "Error/InvalidRequest",
            "Error/OriginError",
            "Error/OriginCommError",
            "RefreshHit/RefreshHit");
  }

  @Test
  void onlyTheChosenFieldsInTheirOrder() {
    AccessLogConfig config =
        new AccessLogConfig(
            true, "json", null, List.of("sc-status", "cs-uri-stem", "timestamp"), null, null);
    int port = serve(log(config, new EdgeMetrics()), req -> req.response().end("x"));
    get(vertx, vertx.createHttpClient(), port, "/only", Map.of());
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 1);
    assertThat(lines().get(0))
        .isEqualTo("{\"sc-status\":200,\"cs-uri-stem\":\"/only\",\"timestamp\":1796637600.042}");
  }

  @Test
  void textFormatIsTheNginxLikeLine() {
    AccessLogConfig config = new AccessLogConfig(true, "text", null, null, null, null);
    int port =
        serve(
            log(config, new EdgeMetrics()),
            req -> req.response().putHeader("X-Cache", "Hit from e1").end("hello"));
    get(vertx, vertx.createHttpClient(), port, "/a?b=0", Map.of());
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 1);
    assertThat(lines().get(0))
        .matches(
            "2026-12-07T10:00:00\\.042Z 127\\.0\\.0\\.1 \"GET /a\\?b=0 HTTP/1\\.1\" 200 5 host=www\\.cdn\\.test cache=Hit_from_e1 ms=\\d+");
  }

  @Test
  void aSampleOfRequestsIsLoggedAndEveryResponseCounted() {
    EdgeMetrics metrics = new EdgeMetrics();
    AccessLogConfig config =
        new AccessLogConfig(true, "json", null, List.of("cs-uri-stem"), 0.25, null);
    int port = serve(log(config, metrics), req -> req.response().end("12345"));
    HttpClient client = vertx.createHttpClient();
    int n = 400;
    for (int i = 0; i < n; i++) {
      get(vertx, client, port, "/s" + i, Map.of());
    }
    Await.until(Duration.ofSeconds(5), () -> metrics.responseBytes.sum() == 5L * n);
    writer.close(); // writes every line offered so far
    assertThat(lines()).hasSize((int) writer.written());
    // binomial(400, 0.25): mean 100, standard deviation 8.7; 50..150 is more than 5.7 deviations
    assertThat(lines().size()).isBetween(50, 150);
    assertThat(lines()).allMatch(l -> l.matches("\\{\"cs-uri-stem\":\"/s\\d+\"}"));
  }

  @Test
  void hostileRequestFieldsCannotForgeFieldsOrLines() throws Exception {
    String request =
        "GET /a\"b\u0001c\u00e9\\d\",\"sc-status\":1?q=\u001b[31m HTTP/1.1\r\n"
            + "Host: x\",\"peer\":\"evil\r\nRange: bytes=\"0-1\"\u0085\r\nUser-Agent: \u00ff\u0085 cache=Hit ms=0\r\n"
            + "Connection: close\r\n\r\n";
    int port =
        serve(
            log(AccessLogConfig.defaults(), new EdgeMetrics()),
            req -> req.response().putHeader("X-Cache", "Miss from e1").end("hello"));
    String answer = LogInjectionTest.raw(port, request);
    assertThat(answer).startsWith("HTTP/1.1 200 ");
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 1);
    String line = lines().get(0);
    assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
    JsonObject json = new JsonObject(line);
    assertThat(json.fieldNames()).containsExactlyElementsOf(AccessLogConfig.FIELDS);
    assertThat(json.getInteger("sc-status")).isEqualTo(200);
    assertThat(json.getValue("peer")).isNull();
    assertThat(json.getString("cs-uri-stem")).isEqualTo("/a\"b\u0001c\u00e9\\d\",\"sc-status\":1");
    assertThat(json.getString("cs-uri-query")).isEqualTo("q=\u001b[31m");
    assertThat(json.getString("cs-range")).isEqualTo("bytes=\"0-1\"\u0085");
    assertThat(json.getString("cs-user-agent")).isEqualTo("\u00ff\u0085 cache=Hit ms=0");
  }

  @Test
  void hostileRequestFieldsAreEscapedInTheTextFormat() throws Exception {
    AccessLogConfig config = new AccessLogConfig(true, "text", null, null, null, null);
    int port =
        serve(
            log(config, new EdgeMetrics()),
            req -> req.response().putHeader("X-Cache", "Miss from e1").end("hello"));
    LogInjectionTest.raw(
        port,
        "GET /a\"b\u0001c\u00e9\\d HTTP/1.1\r\nHost: x cache=Hit_from_e1 ms=0\r\nConnection: close\r\n\r\n");
    Await.until(Duration.ofSeconds(5), () -> lines().size() == 1);
    String line = lines().get(0);
    assertThat(line)
        .startsWith(
            "2026-12-07T10:00:00.042Z 127.0.0.1 \"GET /a\\x22b\\x01c\\xE9\\x5Cd HTTP/1.1\" 200 ")
        .contains(" host=x\\x20cache=Hit_from_e1\\x20ms=0 cache=Miss_from_e1 ms=");
    assertThat(line.split(" ")).hasSize(10);
  }
}
