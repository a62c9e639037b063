package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge end to end over HTTP: a test origin, the edge on port 0 and a client. The cache tier
 * comes from {@link #newCache}, so a subclass runs the same suite against another tier.
 */
class EdgeNodeTest extends EdgeHarness {

  @Test
  void missThenHitAsksTheOriginOnce() {
    origin.content("/a", "hello", "Cache-Control", "max-age=60", "Content-Type", "text/plain");
    start();

    Resp first = get("/a");
    Resp second = get("/a");

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("hello");
    assertThat(first.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(second.body()).isEqualTo("hello");
    assertThat(second.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(second.header("Via")).contains("1.1 test-edge (opencdn)");
    assertThat(second.header("Content-Type")).isEqualTo("text/plain");
    assertThat(second.header("Age")).isEqualTo("0");
    assertThat(origin.count("/a")).isEqualTo(1);
    assertThat(edge.metrics().hits()).isEqualTo(1);
    assertThat(edge.metrics().misses()).isEqualTo(1);
  }

  @Test
  void ageGrowsWithTheClockAndTheEntryExpiresAfterMaxAge() {
    origin.content("/aged", "x", "Cache-Control", "max-age=60", "Age", "10");
    start();

    assertThat(get("/aged").header("Age")).isEqualTo("10");
    clock.advance(Duration.ofSeconds(20));
    Resp hit = get("/aged");
    assertThat(hit.header("X-Cache")).startsWith("Hit");
    assertThat(hit.header("Age")).isEqualTo("30");
    clock.advance(Duration.ofSeconds(31));
    Resp expired = get("/aged");

    assertThat(expired.header("X-Cache")).startsWith("Miss");
    assertThat(origin.count("/aged")).isEqualTo(2);
  }

  @Test
  void sMaxageBeatsMaxAge() {
    origin.content("/short", "s", "Cache-Control", "max-age=1000, s-maxage=10");
    origin.content("/long", "l", "Cache-Control", "max-age=0, s-maxage=600");
    start();

    get("/short");
    get("/long");
    clock.advance(Duration.ofSeconds(11));

    assertThat(get("/short").header("X-Cache")).startsWith("Miss");
    assertThat(get("/long").header("X-Cache")).startsWith("Hit");
    assertThat(origin.count("/short")).isEqualTo(2);
    assertThat(origin.count("/long")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"no-store", "private", "cookie", "no-freshness", "authorization", "status-500"})
  void uncacheableResponsesAreNotStored(String kind) {
    origin.route(
        "/u",
        req -> {
          var res = req.response();
          switch (kind) {
            case "no-store" -> res.putHeader("Cache-Control", "no-store, max-age=60");
            case "private" -> res.putHeader("Cache-Control", "private, max-age=60");
            case "cookie" ->
                res.putHeader("Cache-Control", "max-age=60").putHeader("Set-Cookie", "id=1");
            case "authorization" -> res.putHeader("Cache-Control", "max-age=60");
            case "status-500" -> res.setStatusCode(500).putHeader("Cache-Control", "max-age=60");
            default -> {}
          }
          res.end("u");
        });
    start();
    String[] headers =
        kind.equals("authorization") ? new String[] {"Authorization", "Basic dTpw"} : new String[0];

    Resp first = get("/u", headers);
    Resp second = get("/u", headers);

    assertThat(first.body()).isEqualTo("u");
    assertThat(second.header("X-Cache")).startsWith("Miss");
    assertThat(origin.count("/u")).isEqualTo(2);
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void authorizedRequestIsStoredWhenTheResponseSaysPublic() {
    origin.content("/pub", "p", "Cache-Control", "public, max-age=60");
    start();

    get("/pub", "Authorization", "Basic dTpw");

    assertThat(get("/pub").header("X-Cache")).startsWith("Hit");
  }

  @Test
  void headIsServedFromTheGetEntryWithoutBody() {
    origin.content("/h", "0123456789", "Cache-Control", "max-age=60");
    origin.content("/h2", "abc", "Cache-Control", "max-age=60");
    start();

    get("/h");
    Resp head = await(send(HttpMethod.HEAD, "/h", HOST, null));
    Resp headMiss = await(send(HttpMethod.HEAD, "/h2", HOST, null));
    Resp getAfterHead = get("/h2");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("X-Cache")).startsWith("Hit");
    assertThat(head.header("Content-Length")).isEqualTo("10");
    assertThat(head.body()).isEmpty();
    assertThat(headMiss.body()).isEmpty();
    assertThat(origin.lastMethod()).isEqualTo("GET");
    assertThat(getAfterHead.header("X-Cache")).startsWith("Hit");
    assertThat(getAfterHead.body()).isEqualTo("abc");
    assertThat(origin.count("/h2")).isEqualTo(1);
  }

  @Test
  void hitHeaderBlockIsRebuiltWhenTheAgeChangesAndMatchesTheRangePath() {
    origin.content(
        "/block",
        "0123456789",
        "Cache-Control",
        "max-age=600",
        "Surrogate-Control",
        "max-age=600",
        "X-Cache",
        "HIT from upstream",
        "Accept-Ranges",
        "none",
        "X-Custom",
        "kept");
    start();

    get("/block");
    Resp hit = get("/block");
    Resp again = get("/block");
    clock.advance(Duration.ofSeconds(7));
    Resp later = get("/block");
    Resp head = await(send(HttpMethod.HEAD, "/block", HOST, null));
    Resp ranged = get("/block", "Range", "bytes=0-");

    for (Resp r : List.of(hit, again, later, ranged)) {
      assertThat(r.headers().getAll("X-Cache")).containsExactly("Hit from test-edge");
      assertThat(r.headers().getAll("Accept-Ranges")).containsExactly("bytes");
      assertThat(r.headers().getAll("Age")).hasSize(1);
      assertThat(r.headers().getAll("Content-Length")).containsExactly("10");
      assertThat(r.header("Surrogate-Control")).isNull();
      assertThat(r.header("X-Custom")).isEqualTo("kept");
      assertThat(r.header("X-Edge-Location")).isNotNull();
      assertThat(r.body()).isEqualTo("0123456789");
    }
    assertThat(hit.header("Age")).isEqualTo("0");
    assertThat(again.header("Age")).isEqualTo("0");
    assertThat(later.header("Age")).isEqualTo("7");
    assertThat(head.header("Age")).isEqualTo("7");
    assertThat(head.header("Content-Length")).isEqualTo("10");
    assertThat(head.body()).isEmpty();
    assertThat(ranged.status()).isEqualTo(206);
    // the pre-built block and the header-by-header path (a Range request) give the same fields
    List<String> fast =
        new ArrayList<>(
            later.headers().names().stream().map(String::toLowerCase).sorted().toList());
    List<String> slow =
        new ArrayList<>(
            ranged.headers().names().stream()
                .map(String::toLowerCase)
                .filter(n -> !n.equals("content-range"))
                .sorted()
                .toList());
    assertThat(fast).isEqualTo(slow);
    assertThat(origin.count("/block")).isEqualTo(1);
    assertThat(edge.metrics().hits()).isEqualTo(5);
  }

  @Test
  void concurrentMissesShareOneOriginRequest() {
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    origin.route("/c", held::add);
    start();

    List<Future<Resp>> responses = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      responses.add(send(HttpMethod.GET, "/c", HOST, null));
    }
    Await.until(Duration.ofSeconds(10), () -> edge.metrics().collapsed() == 9 && held.size() == 1);
    held.get(0).response().putHeader("Cache-Control", "max-age=60").end("shared");

    for (Future<Resp> f : responses) {
      Resp r = await(f);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("shared");
    }
    assertThat(origin.count("/c")).isEqualTo(1);
    assertThat(held).hasSize(1);
  }

  @Test
  void unknownHostIsRefusedWith421AndNotProxied() {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start();

    Resp r = await(send(HttpMethod.GET, "/a", "evil.example", null));

    assertThat(r.status()).isEqualTo(421);
    assertThat(r.body()).contains("Misdirected");
    assertThat(origin.count("/a")).isZero();
  }

  @Test
  void hostMatchIgnoresCaseAndPort() {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start();

    Resp r = await(send(HttpMethod.GET, "/a", "WWW.CDN.TEST:8080", null));

    assertThat(r.status()).isEqualTo(200);
    assertThat(origin.lastHeaders().get("Host")).isEqualTo("www.cdn.test"); // the cache key's host
  }

  @Test
  void originDownAnswers502AndStoresNothing() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    start(config("http://127.0.0.1:" + closedPort, 1 << 20, 64 << 10, 2000));

    Resp r = get("/x");

    assertThat(r.status()).isEqualTo(502);
    assertThat(r.header("X-Cache")).isEqualTo("Error from test-edge");
    assertThat(edge.metrics().errors()).isEqualTo(1);
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void slowOriginAnswers504AndStoresNothing() {
    origin.route(
        "/slow",
        req ->
            vertx.setTimer(
                3000, t -> req.response().putHeader("Cache-Control", "max-age=60").end("late")));
    start(config(origin.url(), 1 << 20, 64 << 10, 300));

    Resp r = get("/slow");

    assertThat(r.status()).isEqualTo(504);
    assertThat(r.header("X-Cache")).isEqualTo("Error from test-edge");
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void truncatedBodyIsNeverStored() {
    NetServer liar =
        vertx
            .createNetServer()
            .connectHandler(
                socket ->
                    socket.handler(
                        data -> {
                          socket.write(
                              "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nCache-Control: max-age=60\r\n\r\n0123456789");
                          vertx.setTimer(50, t -> socket.close());
                        }));
    int port = await(liar.listen(0, "127.0.0.1")).actualPort();
    start(config("http://127.0.0.1:" + port, 1 << 20, 64 << 10, 2000));

    // the 200 headers are already streamed when the body breaks off: the client connection is
    // reset, never ended cleanly, and nothing is stored
    assertThat(Await.failure(send(HttpMethod.GET, "/t", HOST, null))).isNotNull();
    assertThat(Await.failure(send(HttpMethod.GET, "/t", HOST, null))).isNotNull();
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void objectsLargerThanMaxObjectBytesArePassedThrough() {
    String big = "b".repeat(20_000);
    origin.content("/big", big, "Cache-Control", "max-age=60");
    origin.route(
        "/big-chunked",
        req -> {
          req.response().setChunked(true).putHeader("Cache-Control", "max-age=60");
          for (int i = 0; i < 20; i++) {
            req.response().write("c".repeat(1000));
          }
          req.response().end();
        });
    start(config(origin.url(), 1 << 20, 8192, 2000));

    assertThat(get("/big").body()).isEqualTo(big);
    assertThat(get("/big").body()).isEqualTo(big);
    assertThat(get("/big-chunked").body()).isEqualTo("c".repeat(20_000));
    assertThat(get("/big-chunked").body()).hasSize(20_000);

    assertThat(origin.count("/big")).isEqualTo(2);
    assertThat(origin.count("/big-chunked")).isEqualTo(2);
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void memoryBudgetIsRespected() {
    origin.route(
        "/obj",
        req -> req.response().putHeader("Cache-Control", "max-age=60").end("m".repeat(10_000)));
    EdgeConfig cfg = config(origin.url(), 50_000, 20_000, 2000);
    start(cfg);

    for (int i = 0; i < 20; i++) {
      assertThat(get("/obj?i=" + i).status()).isEqualTo(200);
    }

    // the tier's own budget: 50,000 bytes in memory (a tiered cache adds its disk tier's)
    assertThat(edge.cacheStats().budgetBytes()).isGreaterThanOrEqualTo(50_000);
    assertThat(edge.cacheStats().bytes())
        .isPositive()
        .isLessThanOrEqualTo(edge.cacheStats().budgetBytes());
    assertThat(edge.cacheStats().entries()).isBetween(1L, 5L);
  }

  @Test
  void otherMethodsAreRelayedWithBodyAndInvalidateTheTarget() {
    origin.route(
        "/p",
        req -> {
          if (req.method() == HttpMethod.POST) {
            req.body().onSuccess(b -> req.response().setStatusCode(201).end("got " + b));
          } else {
            req.response().putHeader("Cache-Control", "max-age=60").end("page");
          }
        });
    start();
    get("/p");
    assertThat(get("/p").header("X-Cache")).startsWith("Hit");

    Resp post = await(send(HttpMethod.POST, "/p", HOST, Buffer.buffer("payload")));

    assertThat(post.status()).isEqualTo(201);
    assertThat(post.body()).isEqualTo("got payload");
    assertThat(get("/p").header("X-Cache")).startsWith("Miss");
    assertThat(origin.count("/p")).isEqualTo(3);
  }

  @Test
  void forwardsEndToEndHeadersWithForwardingInfo() {
    origin.content(
        "/hdr",
        "h",
        "Cache-Control",
        "max-age=60",
        "Connection",
        "X-Origin-Hop",
        "X-Origin-Hop",
        "1");
    start();

    Resp r =
        get(
            "/hdr",
            "Connection",
            "keep-alive, X-Client-Hop",
            "X-Client-Hop",
            "secret",
            "X-Custom",
            "kept");

    MultiMap seen = origin.lastHeaders();
    assertThat(seen.get("Host")).isEqualTo(HOST);
    assertThat(seen.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.get("Via")).isEqualTo("1.1 test-edge (opencdn)");
    assertThat(seen.get("X-Custom")).isEqualTo("kept");
    assertThat(seen.contains("X-Client-Hop")).isFalse();
    assertThat(r.headers().contains("X-Origin-Hop")).isFalse();
  }

  @Test
  void adminEndpoints() {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start();
    get("/a");
    get("/a");

    Resp health = await(send(HttpMethod.GET, "/_cdn/health", "anything", null));
    Resp noToken = await(send(HttpMethod.GET, "/_cdn/stats", HOST, null));
    Resp badToken =
        await(
            send(
                HttpMethod.GET,
                "/_cdn/stats",
                HOST,
                null,
                "Authorization",
                "Bearer wrong-token-wrong-token"));
    Resp other = await(send(HttpMethod.POST, "/_cdn/purge", HOST, null));
    Resp stats =
        await(send(HttpMethod.GET, "/_cdn/stats", HOST, null, "Authorization", "Bearer " + TOKEN));

    assertThat(new JsonObject(health.body()))
        .isEqualTo(
            new JsonObject().put("id", "test-edge").put("region", "test").put("state", "ACTIVE"));
    assertThat(noToken.status()).isEqualTo(401);
    assertThat(badToken.status()).isEqualTo(401);
    assertThat(other.status()).isEqualTo(401);
    JsonObject s = new JsonObject(stats.body());
    assertThat(s.getLong("hits")).isEqualTo(1);
    assertThat(s.getLong("misses")).isEqualTo(1);
    assertThat(s.getLong("requests")).isEqualTo(2);
    assertThat(s.getLong("errors")).isZero();
    assertThat(s.getLong("entries")).isEqualTo(1);
    assertThat(s.getLong("bytes")).isPositive();
  }

  @Test
  void varyingResponsesAreServedOnlyToMatchingRequests() {
    origin.route(
        "/v",
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=60")
                .putHeader("Vary", "Accept-Language")
                .end("lang=" + req.getHeader("Accept-Language")));
    start();

    get("/v", "Accept-Language", "de");
    Resp de = get("/v", "Accept-Language", "de");
    Resp fr = get("/v", "Accept-Language", "fr");

    assertThat(de.header("X-Cache")).startsWith("Hit");
    assertThat(fr.header("X-Cache")).startsWith("Miss");
    assertThat(fr.body()).isEqualTo("lang=fr");
  }

  @Test
  void requestThatAlreadyPassedThisEdgeIsALoop() {
    start();

    Resp r = get("/x", "Via", "1.1 test-edge (opencdn)");

    assertThat(r.status()).isEqualTo(508);
  }

  @Test
  void headOfAnUncacheableResponseGetsHeadersOnly() {
    origin.content("/nocache", "z".repeat(5000), "Cache-Control", "no-store");
    start();

    Resp head = await(send(HttpMethod.HEAD, "/nocache", HOST, null));
    Resp get = get("/nocache");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("X-Cache")).startsWith("Miss");
    assertThat(get.body()).hasSize(5000);
  }

  @Test
  void waitersShareTheLeadersError() {
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    origin.route("/e", held::add);
    start(config(origin.url(), 1 << 20, 64 << 10, 1500));

    List<Future<Resp>> responses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      responses.add(send(HttpMethod.GET, "/e", HOST, null));
    }
    Await.until(Duration.ofSeconds(5), () -> edge.metrics().collapsed() == 2);

    for (Future<Resp> f : responses) {
      assertThat(await(f).status()).isEqualTo(504);
    }
    assertThat(origin.count("/e")).isEqualTo(1);
    assertThat(edge.metrics().errors()).isEqualTo(3);
  }

  @org.junit.jupiter.api.Test
  void aClientThatAsksAgainTheMomentItHasTheBodyGetsAHitOnAnyConnection() throws Exception {
    origin.route(
        "/again",
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=600")
                .end("b".repeat(7000 + req.getParam("n").length())));
    start();
    for (int i = 0; i < 40; i++) {
      String path = "/again?n=" + i;
      // a new connection each time (the edge spreads them over its event loops), read up to the
      // Content-Length, then ask again at once
      assertThat(rawGet(path)).startsWith("Miss");
      assertThat(rawGet(path)).as("request %d", i).startsWith("Hit");
    }
  }

  /**
   * X-Cache of a GET on a new connection, read up to its Content-Length (not to the connection's
   * end).
   */
  private String rawGet(String path) throws java.io.IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", edge.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = s.getInputStream();
      String cache = null;
      int length = -1;
      StringBuilder line = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c == '\n') {
          String l = line.toString().trim();
          line.setLength(0);
          if (l.isEmpty()) {
            break;
          }
          String lower = l.toLowerCase(java.util.Locale.ROOT);
          if (lower.startsWith("x-cache:")) {
            cache = l.substring(8).trim();
          } else if (lower.startsWith("content-length:")) {
            length = Integer.parseInt(l.substring(15).trim());
          }
        } else {
          line.append((char) c);
        }
      }
      assertThat(in.readNBytes(length)).hasSize(length);
      return cache;
    }
  }
}
