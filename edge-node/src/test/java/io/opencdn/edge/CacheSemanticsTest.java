package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.HttpDates;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 / RFC 9110 semantics end to end: revalidation, client conditionals, Range, request
 * directives, must-revalidate, heuristic freshness, Vary normalisation, invalidation, targeted
 * Cache-Control, stale-while-revalidate and stale-if-error, streaming fills.
 */
class CacheSemanticsTest extends EdgeHarness {

  void etagRoute(String path, String etag, String body, String maxAge) {
    origin.route(
        path,
        req -> {
          if (etag.equals(req.getHeader("If-None-Match"))) {
            req.response()
                .setStatusCode(304)
                .putHeader("ETag", etag)
                .putHeader("Cache-Control", "max-age=60")
                .putHeader("X-Version", "refreshed")
                .end();
          } else {
            req.response()
                .putHeader("ETag", etag)
                .putHeader("Cache-Control", maxAge)
                .putHeader("X-Version", "first")
                .end(body);
          }
        });
  }

  @Test
  void staleEntryIsRevalidatedWithIfNoneMatchAndA304UpdatesItsHeaders() {
    etagRoute("/r", "\"v1\"", "one", "max-age=10");
    start();

    assertThat(get("/r").header("X-Cache")).isEqualTo("Miss from test-edge");
    clock.advance(Duration.ofSeconds(11));
    Resp refreshed = get("/r");
    clock.advance(Duration.ofSeconds(30));
    Resp later = get("/r");

    assertThat(refreshed.status()).isEqualTo(200);
    assertThat(refreshed.body()).isEqualTo("one");
    assertThat(refreshed.header("X-Cache")).isEqualTo("RefreshHit from test-edge");
    assertThat(refreshed.header("X-Version")).isEqualTo("refreshed");
    assertThat(origin.lastHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(later.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(later.header("Cache-Control")).isEqualTo("max-age=60");
    assertThat(origin.count("/r")).isEqualTo(2);
    assertThat(edge.metrics().refreshHits()).isEqualTo(1);
  }

  @Test
  void revalidationUsesIfModifiedSince() {
    String lm = "Wed, 31 Dec 2025 00:00:00 GMT";
    origin.route(
        "/lm",
        req -> {
          if (lm.equals(req.getHeader("If-Modified-Since"))) {
            req.response().setStatusCode(304).end();
          } else {
            req.response()
                .putHeader("Last-Modified", lm)
                .putHeader("Cache-Control", "max-age=5")
                .end("dated");
          }
        });
    start();

    get("/lm");
    clock.advance(Duration.ofSeconds(6));
    Resp r = get("/lm");

    assertThat(r.header("X-Cache")).isEqualTo("RefreshHit from test-edge");
    assertThat(r.body()).isEqualTo("dated");
  }

  @Test
  void clientConditionalsAreAnswered304FromTheCache() {
    origin.content(
        "/c",
        "body",
        "Cache-Control",
        "max-age=60",
        "ETag",
        "\"abc\"",
        "Last-Modified",
        "Wed, 31 Dec 2025 00:00:00 GMT",
        "Content-Type",
        "text/plain");
    start();
    get("/c");

    Resp inm = get("/c", "If-None-Match", "\"x\", W/\"abc\"");
    Resp ims = get("/c", "If-Modified-Since", "Thu, 01 Jan 2026 00:00:00 GMT");
    Resp changed = get("/c", "If-None-Match", "\"other\"");
    Resp older = get("/c", "If-Modified-Since", "Tue, 30 Dec 2025 00:00:00 GMT");

    assertThat(inm.status()).isEqualTo(304);
    assertThat(inm.body()).isEmpty();
    assertThat(inm.header("ETag")).isEqualTo("\"abc\"");
    assertThat(inm.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(ims.status()).isEqualTo(304);
    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo("body");
    assertThat(older.status()).isEqualTo(200);
    assertThat(origin.count("/c")).isEqualTo(1);
  }

  @Test
  void rangesAreServedFromTheCachedFullObject() {
    origin.content(
        "/v",
        "0123456789abcdefghij",
        "Cache-Control",
        "max-age=60",
        "ETag",
        "\"r1\"",
        "Content-Type",
        "video/mp4");
    start();

    Resp miss = get("/v", "Range", "bytes=2-5");
    Resp single = get("/v", "Range", "bytes=10-");
    Resp suffix = get("/v", "Range", "bytes=-3");
    Resp multi = get("/v", "Range", "bytes=0-1,18-19");
    Resp unsatisfiable = get("/v", "Range", "bytes=50-60");
    Resp ifRangeMatch = get("/v", "Range", "bytes=0-0", "If-Range", "\"r1\"");
    Resp ifRangeStale = get("/v", "Range", "bytes=0-0", "If-Range", "\"r0\"");
    Resp malformed = get("/v", "Range", "bytes=5-2");

    assertThat(miss.status()).isEqualTo(206);
    assertThat(miss.body()).isEqualTo("2345");
    assertThat(miss.header("Content-Range")).isEqualTo("bytes 2-5/20");
    assertThat(single.body()).isEqualTo("abcdefghij");
    assertThat(suffix.body()).isEqualTo("hij");
    assertThat(multi.status()).isEqualTo(206);
    assertThat(multi.header("Content-Type")).startsWith("multipart/byteranges; boundary=");
    assertThat(multi.body())
        .contains(
            "Content-Range: bytes 0-1/20\r\n\r\n01",
            "Content-Range: bytes 18-19/20\r\n\r\nij",
            "Content-Type: video/mp4");
    assertThat(unsatisfiable.status()).isEqualTo(416);
    assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */20");
    assertThat(ifRangeMatch.status()).isEqualTo(206);
    assertThat(ifRangeMatch.body()).isEqualTo("0");
    assertThat(ifRangeStale.status()).isEqualTo(200);
    assertThat(ifRangeStale.body()).hasSize(20);
    assertThat(malformed.status()).isEqualTo(200);
    assertThat(origin.count("/v")).isEqualTo(1);
    assertThat(origin.lastHeaders().contains("Range")).isFalse();
  }

  @Test
  void aRangeOnAnObjectTooLargeToStoreIsAskedFromTheOriginWithItsRange() {
    String big = "0123456789".repeat(2000);
    origin.route(
        "/big.mp4",
        req -> {
          String range = req.getHeader("Range");
          req.response().putHeader("Cache-Control", "max-age=60");
          if (range == null) {
            req.response().end(big);
          } else {
            req.response()
                .setStatusCode(206)
                .putHeader("Content-Range", "bytes 10-14/" + big.length())
                .end(big.substring(10, 15));
          }
        });
    start(config(new CacheConfig(1L << 20, 8192L)));

    Resp r = get("/big.mp4", "Range", "bytes=10-14");

    assertThat(r.status()).isEqualTo(206);
    assertThat(r.body()).isEqualTo("01234");
    assertThat(r.header("Content-Range")).isEqualTo("bytes 10-14/20000");
    assertThat(origin.lastHeaders().get("Range")).isEqualTo("bytes=10-14");
    assertThat(edge.cacheStats().entries()).isZero();
  }

  @Test
  void requestDirectivesMaxAgeMinFreshMaxStaleNoCache() {
    etagRoute("/d", "\"d1\"", "dd", "max-age=100");
    start();
    get("/d");
    clock.advance(Duration.ofSeconds(50));

    assertThat(get("/d").header("X-Cache")).startsWith("Hit");
    assertThat(get("/d", "Cache-Control", "max-age=20").header("X-Cache")).startsWith("RefreshHit");
    // the 304 made it fresh for 60 s from now
    assertThat(get("/d", "Cache-Control", "min-fresh=50").header("X-Cache")).startsWith("Hit");
    assertThat(get("/d", "Cache-Control", "min-fresh=70").header("X-Cache"))
        .startsWith("RefreshHit");
    assertThat(get("/d", "Cache-Control", "no-cache").header("X-Cache")).startsWith("RefreshHit");
    assertThat(get("/d", "Pragma", "no-cache").header("X-Cache")).startsWith("RefreshHit");
    assertThat(origin.count("/d")).isEqualTo(5);

    clock.advance(Duration.ofSeconds(70)); // 60 s lifetime after the 304: 10 s stale
    assertThat(get("/d", "Cache-Control", "max-stale=20").header("X-Cache")).startsWith("Hit");
    assertThat(get("/d", "Cache-Control", "max-stale").header("X-Cache")).startsWith("Hit");
    assertThat(origin.count("/d")).isEqualTo(5);
    assertThat(get("/d", "Cache-Control", "max-stale=5").header("X-Cache"))
        .startsWith("RefreshHit");
  }

  @Test
  void onlyIfCachedAnswers504WithoutAskingTheOrigin() {
    origin.content("/o", "o", "Cache-Control", "max-age=60");
    start();

    Resp before = get("/o", "Cache-Control", "only-if-cached");
    get("/o");
    Resp after = get("/o", "Cache-Control", "only-if-cached");

    assertThat(before.status()).isEqualTo(504);
    assertThat(after.status()).isEqualTo(200);
    assertThat(origin.count("/o")).isEqualTo(1);
  }

  @Test
  void noCacheResponseWithValidatorIsStoredAndRevalidatedEveryTime() {
    etagRoute("/nc", "\"n\"", "nc", "no-cache");
    start();

    get("/nc");
    Resp second = get("/nc");

    assertThat(second.header("X-Cache")).isEqualTo("RefreshHit from test-edge");
    assertThat(second.body()).isEqualTo("nc");
    assertThat(origin.count("/nc")).isEqualTo(2);
  }

  @Test
  void staleIfErrorServesStaleWhenTheOriginIsDownUnlessMustRevalidate() {
    origin.content("/keep", "kept", "Cache-Control", "max-age=10");
    origin.content("/strict", "strict", "Cache-Control", "max-age=10, must-revalidate");
    origin.content("/proxy", "proxy", "Cache-Control", "max-age=10, proxy-revalidate");
    start();
    get("/keep");
    get("/strict");
    get("/proxy");
    clock.advance(Duration.ofSeconds(30));
    origin.close();

    Resp kept = get("/keep");
    Resp strict = get("/strict");
    Resp proxy = get("/proxy");
    Resp never = get("/never-cached");

    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.body()).isEqualTo("kept");
    assertThat(kept.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(kept.header("X-Edge-Location")).isEqualTo("test");
    assertThat(strict.status()).isEqualTo(502);
    assertThat(proxy.status()).isEqualTo(502);
    assertThat(never.status()).isEqualTo(502);
    assertThat(never.header("X-Cache")).isEqualTo("Error from test-edge");
    assertThat(never.header("X-Edge-Location")).isEqualTo("test");
  }

  @Test
  void staleIfErrorCoversOrigin5xxWithinItsWindow() {
    int[] status = {200};
    origin.route(
        "/e",
        req ->
            req.response()
                .setStatusCode(status[0])
                .putHeader("Cache-Control", "max-age=10, stale-if-error=30")
                .end(status[0] == 200 ? "good" : "bad"));
    start();
    get("/e");
    status[0] = 503;

    clock.advance(Duration.ofSeconds(20));
    Resp inWindow = get("/e");
    clock.advance(Duration.ofSeconds(30));
    Resp pastWindow = get("/e");

    assertThat(inWindow.status()).isEqualTo(200);
    assertThat(inWindow.body()).isEqualTo("good");
    assertThat(pastWindow.status()).isEqualTo(503);
    assertThat(pastWindow.body()).isEqualTo("bad");
  }

  @Test
  void staleWhileRevalidateServesStaleAndRefreshesOnceInTheBackground() {
    int[] version = {1};
    origin.route(
        "/swr",
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=10, stale-while-revalidate=60")
                .end("v" + version[0]));
    start();
    get("/swr");
    version[0] = 2;
    clock.advance(Duration.ofSeconds(15));

    Resp stale = get("/swr");
    Await.until(Duration.ofSeconds(5), () -> origin.count("/swr") == 2);
    Await.until(Duration.ofSeconds(5), () -> get("/swr").body().equals("v2"));

    assertThat(stale.body()).isEqualTo("v1");
    assertThat(stale.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(origin.count("/swr")).isEqualTo(2);
    assertThat(edge.metrics().backgroundRefreshes()).isEqualTo(1);
  }

  @Test
  void configuredStaleWhileRevalidateDefaultApplies() {
    origin.content("/dflt", "d", "Cache-Control", "max-age=10");
    start(config(new CacheConfig(1L << 20, 64L << 10, 30L, 0L, null, null, null)));
    get("/dflt");
    clock.advance(Duration.ofSeconds(20));

    assertThat(get("/dflt").header("X-Cache")).isEqualTo("Hit from test-edge");
    Await.until(Duration.ofSeconds(5), () -> origin.count("/dflt") == 2);
  }

  @Test
  void heuristicFreshnessIsTenPercentOfTheLastModifiedAge() {
    origin.route(
        "/h",
        req ->
            req.response()
                .putHeader("Date", HttpDates.format(clock.millis()))
                .putHeader("Last-Modified", HttpDates.format(clock.millis() - 100_000))
                .end("h"));
    start();
    get("/h");

    clock.advance(Duration.ofSeconds(9));
    assertThat(get("/h").header("X-Cache")).startsWith("Hit");
    clock.advance(Duration.ofSeconds(2));
    assertThat(get("/h").header("X-Cache")).startsWith("Miss"); // this origin ignores conditionals
    assertThat(origin.lastHeaders().get("If-Modified-Since")).isNotNull();
    assertThat(origin.count("/h")).isEqualTo(2);
  }

  @Test
  void varyAcceptEncodingIsNormalised() {
    origin.route(
        "/z",
        req ->
            req.response()
                .putHeader("Cache-Control", "max-age=60")
                .putHeader("Vary", "Accept-Encoding")
                .end("enc=" + req.getHeader("Accept-Encoding")));
    start();

    Resp first = get("/z", "Accept-Encoding", "gzip, deflate");
    Resp same = get("/z", "Accept-Encoding", "deflate, gzip;q=1.0");
    Resp br = get("/z", "Accept-Encoding", "gzip, deflate, br");

    assertThat(first.body()).isEqualTo("enc=gzip");
    assertThat(same.header("X-Cache")).startsWith("Hit");
    assertThat(br.header("X-Cache")).startsWith("Miss");
    assertThat(br.body()).isEqualTo("enc=br");
  }

  @Test
  void unsafeMethodsInvalidateLocationAndContentLocation() {
    origin.content("/item/1", "one", "Cache-Control", "max-age=60");
    origin.content("/item/2", "two", "Cache-Control", "max-age=60");
    origin.content("/list", "list", "Cache-Control", "max-age=60");
    origin.route(
        "/item",
        req ->
            req.response()
                .setStatusCode(201)
                .putHeader("Location", "/item/1")
                .putHeader("Content-Location", "http://" + HOST + "/list")
                .end());
    start();
    get("/item/1");
    get("/item/2");
    get("/list");

    await(send(HttpMethod.POST, "/item", HOST, Buffer.buffer("x")));

    assertThat(get("/item/1").header("X-Cache")).startsWith("Miss");
    assertThat(get("/list").header("X-Cache")).startsWith("Miss");
    assertThat(get("/item/2").header("X-Cache")).startsWith("Hit");
  }

  @Test
  void cdnCacheControlAndSurrogateControlGovernThisTier() {
    origin.content("/cdn", "c", "Cache-Control", "no-store", "CDN-Cache-Control", "max-age=60");
    origin.content("/sur", "s", "Cache-Control", "max-age=0", "Surrogate-Control", "max-age=60");
    origin.content("/cdn-off", "o", "Cache-Control", "max-age=60", "CDN-Cache-Control", "no-store");
    start();

    get("/cdn");
    get("/sur");
    get("/cdn-off");
    Resp cdn = get("/cdn");
    Resp sur = get("/sur");
    Resp off = get("/cdn-off");

    assertThat(cdn.header("X-Cache")).startsWith("Hit");
    assertThat(cdn.header("Cache-Control")).isEqualTo("no-store");
    assertThat(sur.header("X-Cache")).startsWith("Hit");
    assertThat(sur.header("Surrogate-Control")).isNull();
    assertThat(off.header("X-Cache")).startsWith("Miss");
  }

  @Test
  void aMissIsStreamedToTheClientWhileItIsStored() {
    Promise<Void> clientGotFirstChunk = Promise.promise();
    origin.route(
        "/stream",
        req -> {
          req.response()
              .setChunked(true)
              .putHeader("Cache-Control", "max-age=60")
              .write("a".repeat(1000));
          clientGotFirstChunk.future().onComplete(v -> req.response().end("b".repeat(1000)));
        });
    start();
    StringBuilder received = new StringBuilder();
    Promise<Void> done = Promise.promise();
    client
        .request(
            new io.vertx.core.http.RequestOptions()
                .setHost("127.0.0.1")
                .setPort(edge.port())
                .setURI("/stream")
                .putHeader("Host", HOST))
        .compose(r -> r.send())
        .onSuccess(
            res -> {
              res.handler(
                  chunk -> {
                    received.append(chunk.toString());
                    clientGotFirstChunk.tryComplete();
                  });
              res.endHandler(v -> done.complete());
            });

    await(done.future());

    assertThat(received.toString()).isEqualTo("a".repeat(1000) + "b".repeat(1000));
    Resp again = get("/stream");
    assertThat(again.header("X-Cache")).startsWith("Hit");
    assertThat(again.body()).hasSize(2000);
  }

  @Test
  void prometheusMetricsNeedTheTokenAndCountHitsAndMisses() {
    origin.content("/m", "m", "Cache-Control", "max-age=60");
    start();
    get("/m");
    get("/m");

    Resp denied = await(send(HttpMethod.GET, "/_cdn/metrics", HOST, null));
    Resp metrics =
        await(
            send(HttpMethod.GET, "/_cdn/metrics", HOST, null, "Authorization", "Bearer " + TOKEN));

    assertThat(denied.status()).isEqualTo(401);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "cdn_cache_hits_total 1.0",
            "cdn_cache_misses_total 1.0",
            "cdn_origin_latency_seconds_count 1",
            "cdn_cache_entries 1.0",
            "cdn_cache_evictions_total",
            "cdn_response_bytes_total");
  }

  @Test
  void failedIfMatchOrIfUnmodifiedSinceGets412FromTheCache() {
    origin.content(
        "/p",
        "payload",
        "Cache-Control",
        "max-age=60",
        "ETag",
        "\"p1\"",
        "Last-Modified",
        "Wed, 31 Dec 2025 00:00:00 GMT",
        "Content-Type",
        "text/plain");
    start();
    get("/p");

    Resp ifMatch = get("/p", "If-Match", "\"p0\", \"p1\"");
    Resp star = get("/p", "If-Match", "*");
    Resp wrongTag = get("/p", "If-Match", "\"p0\"");
    Resp weak = get("/p", "If-Match", "W/\"p1\"");
    Resp unmodified = get("/p", "If-Unmodified-Since", "Thu, 01 Jan 2026 00:00:00 GMT");
    Resp modified = get("/p", "If-Unmodified-Since", "Tue, 30 Dec 2025 00:00:00 GMT");
    // If-Match comes first: it holds, so If-Unmodified-Since is not evaluated
    Resp matchWins =
        get("/p", "If-Match", "\"p1\"", "If-Unmodified-Since", "Tue, 30 Dec 2025 00:00:00 GMT");
    // preconditions before If-None-Match and Range (RFC 9110 13.2.2)
    Resp beforeInm = get("/p", "If-Match", "\"p0\"", "If-None-Match", "\"p1\"");
    Resp beforeRange =
        get("/p", "If-Unmodified-Since", "Tue, 30 Dec 2025 00:00:00 GMT", "Range", "bytes=0-1");
    Resp head = await(send(HttpMethod.HEAD, "/p", HOST, null, "If-Match", "\"p0\""));
    Resp rangeOk = get("/p", "If-Match", "\"p1\"", "Range", "bytes=0-2");

    assertThat(ifMatch.status()).isEqualTo(200);
    assertThat(ifMatch.body()).isEqualTo("payload");
    assertThat(star.status()).isEqualTo(200);
    assertThat(wrongTag.status()).isEqualTo(412);
    assertThat(wrongTag.body()).isEmpty();
    assertThat(wrongTag.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(wrongTag.header("Content-Type")).isNull();
    assertThat(weak.status()).isEqualTo(412);
    assertThat(unmodified.status()).isEqualTo(200);
    assertThat(modified.status()).isEqualTo(412);
    assertThat(modified.header("X-Cache")).isEqualTo("Hit from test-edge");
    assertThat(matchWins.status()).isEqualTo(200);
    assertThat(beforeInm.status()).isEqualTo(412);
    assertThat(beforeRange.status()).isEqualTo(412);
    assertThat(head.status()).isEqualTo(412);
    assertThat(rangeOk.status()).isEqualTo(206);
    assertThat(rangeOk.body()).isEqualTo("pay");
    assertThat(origin.count("/p")).isEqualTo(1);
  }

  @Test
  void aFailedIfMatchOnAMissIsEvaluatedAgainstTheFilledResponse() {
    origin.content("/pm", "payload", "Cache-Control", "max-age=60", "ETag", "\"p1\"");
    start();

    Resp miss = get("/pm", "If-Match", "\"p0\"");

    assertThat(miss.status()).isEqualTo(412);
    assertThat(miss.body()).isEmpty();
    assertThat(miss.header("X-Cache")).isEqualTo("Miss from test-edge");
    assertThat(origin.lastHeaders().get("If-Match")).isNull();
    assertThat(get("/pm").header("X-Cache")).isEqualTo("Hit from test-edge");
  }
}
