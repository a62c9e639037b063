package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Several {@code Vary} variants per URL end to end (RFC 9111 4.1): each variant filled once and
 * then served as a Hit side by side, purged together, capped per URL, and request collapsing never
 * handing one variant to a request that selects another.
 */
class VaryVariantsTest extends EdgeHarness {

  void languageRoute(String path) {
    origin.route(
        path,
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=60")
                .putHeader("Vary", "Accept-Language")
                .putHeader("Content-Language", String.valueOf(req.getHeader("Accept-Language")))
                .end("lang=" + req.getHeader("Accept-Language")));
  }

  long entries() {
    Resp r = get("/_cdn/stats", "Authorization", "Bearer " + TOKEN);
    return new JsonObject(r.body()).getLong("entries");
  }

  @Test
  void twoLanguagesAreCachedSideBySide() {
    languageRoute("/page");
    start();

    Resp en1 = get("/page", "Accept-Language", "en");
    Resp fr1 = get("/page", "Accept-Language", "fr");
    Resp en2 = get("/page", "Accept-Language", "en");
    Resp fr2 = get("/page", "Accept-Language", "fr");
    Resp head = await(send(HttpMethod.HEAD, "/page", HOST, null, "Accept-Language", "fr"));

    assertThat(en1.header("X-Cache")).startsWith("Miss");
    assertThat(fr1.header("X-Cache")).startsWith("Miss");
    assertThat(en2.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(en2.body()).isEqualTo("lang=en");
    assertThat(fr2.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(fr2.body()).isEqualTo("lang=fr");
    assertThat(fr2.header("Content-Language")).isEqualTo("fr");
    assertThat(fr2.header("Vary")).isEqualTo("Accept-Language");
    assertThat(head.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(head.header("Content-Language")).isEqualTo("fr");
    assertThat(origin.count("/page")).isEqualTo(2);
  }

  @Test
  void acceptEncodingGzipAndIdentityAreTwoVariants() {
    origin.route(
        "/app.js",
        req -> {
          String ae = req.getHeader("Accept-Encoding");
          req.response()
              .putHeader("Cache-Control", "max-age=60")
              .putHeader("Vary", "Accept-Encoding");
          if (ae != null && ae.contains("gzip")) {
            req.response().putHeader("Content-Encoding", "gzip").end("gzipped");
          } else {
            req.response().end("plain");
          }
        });
    start();

    Resp gzip1 = get("/app.js", "Accept-Encoding", "gzip, deflate");
    Resp id1 = get("/app.js");
    Resp gzip2 = get("/app.js", "Accept-Encoding", "deflate, gzip;q=0.8");
    Resp id2 = get("/app.js", "Accept-Encoding", "identity");
    Resp id3 = get("/app.js", "Accept-Encoding", "gzip;q=0");

    assertThat(gzip1.body()).isEqualTo("gzipped");
    assertThat(id1.body()).isEqualTo("plain");
    assertThat(id1.header("X-Cache")).startsWith("Miss");
    assertThat(gzip2.header("X-Cache")).startsWith("Hit");
    assertThat(gzip2.body()).isEqualTo("gzipped");
    assertThat(gzip2.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(id2.header("X-Cache")).startsWith("Hit");
    assertThat(id2.body()).isEqualTo("plain");
    assertThat(id2.header("Content-Encoding")).isNull();
    assertThat(id3.body()).isEqualTo("plain");
    assertThat(origin.count("/app.js")).isEqualTo(2);
  }

  @Test
  void anUnsafeRequestInvalidatesEveryVariant() {
    languageRoute("/doc");
    origin.route("/doc-post", req -> req.response().setStatusCode(204).end());
    start();
    get("/doc", "Accept-Language", "en");
    get("/doc", "Accept-Language", "fr");
    assertThat(get("/doc", "Accept-Language", "fr").header("X-Cache")).startsWith("Hit");

    // a POST to the URL itself (the origin route answers any method)
    await(send(HttpMethod.POST, "/doc", HOST, Buffer.buffer("x")));

    Resp en = get("/doc", "Accept-Language", "en");
    Resp fr = get("/doc", "Accept-Language", "fr");
    assertThat(en.header("X-Cache")).startsWith("Miss");
    assertThat(en.body()).isEqualTo("lang=en");
    assertThat(fr.header("X-Cache")).startsWith("Miss");
    assertThat(fr.body()).isEqualTo("lang=fr");
    assertThat(origin.count("/doc")).isEqualTo(5);
  }

  @Test
  void variantsPerUrlAreCapped() {
    languageRoute("/many");
    start();

    for (int i = 0; i < 20; i++) {
      assertThat(get("/many", "Accept-Language", "l" + i).body()).isEqualTo("lang=l" + i);
    }

    // the 16 most recent variants are Hits, the 4 oldest were dropped; 16 variants + the index
    for (int i = 4; i < 20; i++) {
      assertThat(get("/many", "Accept-Language", "l" + i).header("X-Cache"))
          .as("l" + i)
          .startsWith("Hit");
    }
    assertThat(entries()).isEqualTo(17);
    Resp oldest = get("/many", "Accept-Language", "l0");
    assertThat(oldest.header("X-Cache")).startsWith("Miss");
    assertThat(oldest.body()).isEqualTo("lang=l0");
    assertThat(entries()).isEqualTo(17);
    assertThat(origin.count("/many")).isEqualTo(21);
  }

  @Test
  void concurrentMissesOfTwoVariantsEachGetTheirOwnBody() {
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    origin.route("/c", held::add);
    start();

    // three en and three fr requests at once, before the URL's Vary is known: all wait for one fill
    List<Future<Resp>> en = new ArrayList<>();
    List<Future<Resp>> fr = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      en.add(send(HttpMethod.GET, "/c", HOST, null, "Accept-Language", "en"));
      fr.add(send(HttpMethod.GET, "/c", HOST, null, "Accept-Language", "fr"));
    }
    Await.until(Duration.ofSeconds(5), () -> held.size() == 1 && edge.metrics().collapsed() == 5);
    answer(held.get(0));
    // the waiters of the other language look up again and fill their own variant, once
    Await.until(Duration.ofSeconds(5), () -> held.size() == 2);
    answer(held.get(1));

    for (Future<Resp> f : en) {
      assertThat(await(f).body()).isEqualTo("lang=en");
    }
    for (Future<Resp> f : fr) {
      assertThat(await(f).body()).isEqualTo("lang=fr");
    }
    assertThat(origin.count("/c")).isEqualTo(2);
    assertThat(held.get(0).getHeader("Accept-Language"))
        .isNotEqualTo(held.get(1).getHeader("Accept-Language"));
    assertThat(get("/c", "Accept-Language", "en").header("X-Cache")).startsWith("Hit");
    assertThat(get("/c", "Accept-Language", "fr").header("X-Cache")).startsWith("Hit");
  }

  @Test
  void concurrentMissesOfAKnownVaryCollapsePerVariant() {
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    origin.route("/k", held::add);
    start();
    Future<Resp> first = send(HttpMethod.GET, "/k", HOST, null, "Accept-Language", "de");
    Await.until(Duration.ofSeconds(5), () -> held.size() == 1);
    answer(held.get(0));
    assertThat(await(first).body()).isEqualTo("lang=de");

    List<Future<Resp>> en = new ArrayList<>();
    List<Future<Resp>> fr = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      en.add(send(HttpMethod.GET, "/k", HOST, null, "Accept-Language", "en"));
      fr.add(send(HttpMethod.GET, "/k", HOST, null, "Accept-Language", "fr"));
    }
    // one fill per variant, in parallel
    Await.until(Duration.ofSeconds(5), () -> held.size() == 3 && edge.metrics().collapsed() == 4);
    answer(held.get(2));
    answer(held.get(1));

    for (Future<Resp> f : en) {
      assertThat(await(f).body()).isEqualTo("lang=en");
    }
    for (Future<Resp> f : fr) {
      assertThat(await(f).body()).isEqualTo("lang=fr");
    }
    assertThat(origin.count("/k")).isEqualTo(3);
  }

  private void answer(HttpServerRequest req) {
    String lang = req.getHeader("Accept-Language");
    req.response()
        .putHeader("Cache-Control", "max-age=60")
        .putHeader("Vary", "Accept-Language")
        .end("lang=" + lang);
  }
}
