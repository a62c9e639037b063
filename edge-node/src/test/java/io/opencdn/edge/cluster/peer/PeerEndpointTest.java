package io.opencdn.edge.cluster.peer;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.MemoryCache;
import io.opencdn.edge.cache.Variants;
import io.opencdn.testing.TestClock;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The peer endpoint serves exactly the Vary variant the asking edge's request selects, or 404. */
class PeerEndpointTest {

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final PeerToken token = PeerToken.fromSecret("peer-endpoint-test-secret-0123456789");
  Vertx vertx;
  MemoryCache cache;
  final io.opencdn.edge.fill.SingleFlight<io.opencdn.edge.cache.CacheKey, Object> flights =
      new io.opencdn.edge.fill.SingleFlight<>();
  HttpServer server;
  HttpClientAgent client;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    cache = new MemoryCache(1 << 20, clock);
    server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(new PeerEndpoint("edge-x", cache, token, clock, flights::inFlight))
                .listen(0, "127.0.0.1"));
    client = vertx.createHttpClient();
  }

  @AfterEach
  void tearDown() {
    await(vertx.close());
  }

  record Answer(int status, String body, String peer) {}

  Answer ask(String target, String lang) {
    return await(askAsync(target, lang, false));
  }

  io.vertx.core.Future<Answer> askAsync(String target, String lang, boolean wait) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(server.actualPort())
            .setURI(PeerClient.uri(new CacheKey("www.cdn.test", target)) + (wait ? "&wait=1" : ""))
            .putHeader("Authorization", token.header());
    if (lang != null) {
      o.putHeader("Accept-Language", lang);
    }
    io.vertx.core.Promise<Answer> p = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                client
                    .request(o)
                    .compose(req -> req.send())
                    .compose(
                        res ->
                            res.body()
                                .map(
                                    b ->
                                        new Answer(
                                            res.statusCode(),
                                            b.toString(),
                                            res.getHeader(PeerEndpoint.PEER_HEADER))))
                    .onComplete(p));
    return p.future();
  }

  void storeVariant(String lang) {
    MultiMap req = MultiMap.caseInsensitiveMultiMap().add("Accept-Language", lang);
    MultiMap res =
        MultiMap.caseInsensitiveMultiMap()
            .add("Cache-Control", "max-age=60")
            .add("Vary", "Accept-Language");
    await(
        Variants.store(
            cache,
            new CacheKey("www.cdn.test", "/v"),
            req,
            CachedResponse.of(
                200, res, Buffer.buffer("lang=" + lang), req, clock.millis(), clock.millis(), 60)));
  }

  @Test
  void servesOnlyTheVariantTheRequestSelects() {
    storeVariant("en");
    storeVariant("fr");

    Answer en = ask("/v", "en");
    Answer fr = ask("/v", "fr");
    Answer de = ask("/v", "de");
    Answer none = ask("/v", null);

    assertThat(en.status()).isEqualTo(200);
    assertThat(en.body()).isEqualTo("lang=en");
    assertThat(en.peer()).isEqualTo("edge-x");
    assertThat(fr.body()).isEqualTo("lang=fr");
    assertThat(de.status()).isEqualTo(404);
    assertThat(de.peer()).isNull();
    assertThat(none.status()).isEqualTo(404);
  }

  @Test
  void aRequestWithWaitJoinsTheFillInProgressAndIsAnsweredFromWhatItStored() {
    CacheKey key = new CacheKey("www.cdn.test", "/filling");
    io.opencdn.edge.fill.SingleFlight.Flight<CacheKey, Object> fill = flights.join(key);
    io.vertx.core.Future<Answer> waiting = askAsync("/filling", null, true);
    Answer without = ask("/filling", null);
    assertThat(without.status()).as("without wait: no copy yet").isEqualTo(404);
    assertThat(waiting.isComplete()).isFalse();
    MultiMap none = MultiMap.caseInsensitiveMultiMap();
    MultiMap res = MultiMap.caseInsensitiveMultiMap().add("Cache-Control", "max-age=60");
    await(
        Variants.store(
            cache,
            key,
            none,
            CachedResponse.of(
                200, res, Buffer.buffer("filled"), none, clock.millis(), clock.millis(), 60)));
    fill.complete("stored");
    Answer joined = await(waiting);
    assertThat(joined.status()).isEqualTo(200);
    assertThat(joined.body()).isEqualTo("filled");
    assertThat(joined.peer()).isEqualTo("edge-x");
  }

  @Test
  void aFillThatEndsWithoutStoringAnswersTheWaiter404() {
    CacheKey key = new CacheKey("www.cdn.test", "/uncacheable");
    io.opencdn.edge.fill.SingleFlight.Flight<CacheKey, Object> fill = flights.join(key);
    io.vertx.core.Future<Answer> waiting = askAsync("/uncacheable", null, true);
    fill.complete("pass");
    assertThat(await(waiting).status()).isEqualTo(404);
  }
}
