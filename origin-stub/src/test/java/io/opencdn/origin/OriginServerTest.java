package io.opencdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import io.opencdn.origin.gen.SyntheticBody;
import io.opencdn.origin.gen.SyntheticHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginServerTest {

  private static final String TOKEN = "test-admin-token-0123456789";
  private static final String HELLO = "hello from the origin\n";
  private static final String SECRET = "top secret outside the root";

  @TempDir static Path tmp;

  static Vertx vertx;
  static OriginServer origin;
  static int port;
  static Path root;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws IOException {
    root = Files.createDirectory(tmp.resolve("www"));
    Files.writeString(root.resolve("hello.txt"), HELLO);
    Files.writeString(root.resolve(".hidden"), "hidden");
    Files.createDirectory(root.resolve("sub"));
    Files.createDirectory(root.resolve(".git"));
    Files.writeString(root.resolve(".git/config"), "hidden config");
    Files.writeString(root.resolve("sub/index.html"), "<p>index</p>");
    Files.writeString(tmp.resolve("secret.txt"), SECRET);
    vertx = Vertx.vertx();
    origin =
        new OriginServer(
            vertx, new OriginConfig(Endpoint.parse("127.0.0.1:0"), root.toString(), TOKEN));
    port = origin.start().await();
  }

  @AfterAll
  static void stop() {
    origin.stop().await();
    vertx.close().await();
  }

  @BeforeEach
  void reset() {
    origin.resetRequests();
  }

  // ---- synthetic objects ----

  @Test
  void generatesDeterministicBytesWithValidatorsAndDefaultCacheControl() throws Exception {
    HttpResponse<byte[]> r = get("/gen/a/b.bin?size=100000");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(SyntheticBody.bytes("/gen/a/b.bin", 100000));
    assertThat(r.headers().firstValue("Content-Length")).hasValue("100000");
    assertThat(r.headers().firstValue("ETag"))
        .hasValue(SyntheticHandler.etag("/gen/a/b.bin", 100000));
    assertThat(r.headers().firstValue("ETag").orElseThrow()).matches("\"[0-9a-f]{20}\"");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    assertThat(r.headers().firstValue("Last-Modified")).hasValue("Tue, 14 Nov 2023 22:13:20 GMT");
    assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(r.headers().firstValue("Date")).isPresent();

    HttpResponse<byte[]> again = get("/gen/a/b.bin?size=100000");
    assertThat(again.body()).isEqualTo(r.body());
    HttpResponse<byte[]> other = get("/gen/a/c.bin?size=100000");
    assertThat(other.body()).isNotEqualTo(r.body());
    assertThat(other.headers().firstValue("ETag")).isNotEqualTo(r.headers().firstValue("ETag"));
    assertThat(get("/gen/a/b.bin?size=10").headers().firstValue("ETag"))
        .isNotEqualTo(r.headers().firstValue("ETag"));
  }

  @Test
  void defaultSizeIs1024AndZeroIsAllowed() throws Exception {
    assertThat(get("/gen/default").body()).hasSize(1024);
    HttpResponse<byte[]> empty = get("/gen/empty?size=0");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
  }

  @Test
  void streamsLargeBodiesIntact() throws Exception {
    int size = 8 * 1024 * 1024 + 7;
    HttpResponse<byte[]> r = get("/gen/big.bin?size=" + size);
    assertThat(r.body()).hasSize(size);
    assertThat(Arrays.equals(r.body(), SyntheticBody.bytes("/gen/big.bin", size))).isTrue();
  }

  @Test
  void cacheControlLastModifiedAndEtagAreConfigurable() throws Exception {
    HttpResponse<byte[]> r =
        get("/gen/x?cc=public,%20max-age=5,%20s-maxage=10&lm=1000000000&etag=0");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=5, s-maxage=10");
    assertThat(r.headers().firstValue("Last-Modified")).hasValue("Sun, 9 Sep 2001 01:46:40 GMT");
    assertThat(r.headers().firstValue("ETag")).isEmpty();
    assertThat(get("/gen/x?cc=").headers().firstValue("Cache-Control")).isEmpty();
  }

  @Test
  void ifNoneMatchAndIfModifiedSinceGive304() throws Exception {
    String etag = get("/gen/c.bin?size=50").headers().firstValue("ETag").orElseThrow();
    HttpResponse<byte[]> hit = get("/gen/c.bin?size=50", "If-None-Match", etag);
    assertThat(hit.statusCode()).isEqualTo(304);
    assertThat(hit.body()).isEmpty();
    assertThat(hit.headers().firstValue("ETag")).hasValue(etag);
    assertThat(hit.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    assertThat(get("/gen/c.bin?size=50", "If-None-Match", "\"other\", W/" + etag).statusCode())
        .isEqualTo(304);
    assertThat(get("/gen/c.bin?size=50", "If-None-Match", "*").statusCode()).isEqualTo(304);
    assertThat(get("/gen/c.bin?size=50", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(
            get("/gen/c.bin?size=50", "If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")
                .statusCode())
        .isEqualTo(304);
    assertThat(
            get("/gen/c.bin?size=50", "If-Modified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")
                .statusCode())
        .isEqualTo(200);
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 13.2.2)
    HttpResponse<byte[]> both =
        send(
            request("/gen/c.bin?size=50")
                .header("If-None-Match", "\"other\"")
                .header("If-Modified-Since", "Tue, 14 Nov 2023 22:13:20 GMT")
                .build());
    assertThat(both.statusCode()).isEqualTo(200);
  }

  @Test
  void singleRangesGive206AndUnsatisfiableGives416() throws Exception {
    byte[] all = SyntheticBody.bytes("/gen/r.bin", 100);
    HttpResponse<byte[]> mid = get("/gen/r.bin?size=100", "Range", "bytes=10-19");
    assertThat(mid.statusCode()).isEqualTo(206);
    assertThat(mid.headers().firstValue("Content-Range")).hasValue("bytes 10-19/100");
    assertThat(mid.body()).isEqualTo(Arrays.copyOfRange(all, 10, 20));

    HttpResponse<byte[]> suffix = get("/gen/r.bin?size=100", "Range", "bytes=-10");
    assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 90-99/100");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(all, 90, 100));

    HttpResponse<byte[]> open = get("/gen/r.bin?size=100", "Range", "bytes=95-500");
    assertThat(open.headers().firstValue("Content-Range")).hasValue("bytes 95-99/100");
    assertThat(open.body()).isEqualTo(Arrays.copyOfRange(all, 95, 100));

    HttpResponse<byte[]> none = get("/gen/r.bin?size=100", "Range", "bytes=100-");
    assertThat(none.statusCode()).isEqualTo(416);
    assertThat(none.headers().firstValue("Content-Range")).hasValue("bytes */100");

    assertThat(get("/gen/r.bin?size=100", "Range", "bytes=0-1,5-6").statusCode()).isEqualTo(200);
    assertThat(get("/gen/r.bin?size=100", "Range", "items=0-1").statusCode()).isEqualTo(200);
  }

  @Test
  void ifRangeHonoursRangeOnlyForTheCurrentValidator() throws Exception {
    String etag = SyntheticHandler.etag("/gen/ir.bin", 100);
    assertThat(
            send(request("/gen/ir.bin?size=100")
                    .header("Range", "bytes=0-9")
                    .header("If-Range", etag)
                    .build())
                .statusCode())
        .isEqualTo(206);
    HttpResponse<byte[]> changed =
        send(
            request("/gen/ir.bin?size=100")
                .header("Range", "bytes=0-9")
                .header("If-Range", "\"old\"")
                .build());
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).hasSize(100);
  }

  @Test
  void headHasTheHeadOfGetAndNoBody() throws Exception {
    HttpResponse<byte[]> r =
        send(
            request("/gen/h.bin?size=4096")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue("Content-Length")).hasValue("4096");
    assertThat(r.headers().firstValue("ETag")).hasValue(SyntheticHandler.etag("/gen/h.bin", 4096));
  }

  @Test
  void otherMethodsOnSyntheticObjectsGive405() throws Exception {
    HttpResponse<byte[]> r =
        send(request("/gen/p").POST(HttpRequest.BodyPublishers.ofString("x")).build());
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void delayWaitsAtLeastTheRequestedTime() throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> r = get("/gen/slow?size=10&delay=300");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
  }

  @Test
  void delayedRequestsDoNotBlockOthers() throws Exception {
    var slow =
        http.sendAsync(
            request("/gen/slow2?size=10&delay=3000").build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get("/gen/fast?size=10").statusCode()).isEqualTo(200);
    assertThat(slow.isDone())
        .as("the delayed response is still pending after a later request was answered")
        .isFalse();
    assertThat(slow.get().statusCode()).isEqualTo(200);
  }

  @Test
  void statusIsConfigurable() throws Exception {
    HttpResponse<byte[]> r = get("/gen/err?size=20&status=503&cc=no-store");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo(SyntheticBody.bytes("/gen/err", 20));
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(get("/gen/missing?status=404").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> noContent = get("/gen/nc?status=204");
    assertThat(noContent.statusCode()).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
    // conditionals only apply to 200
    String etag = SyntheticHandler.etag("/gen/err", 20);
    assertThat(get("/gen/err?size=20&status=503", "If-None-Match", etag).statusCode())
        .isEqualTo(503);
  }

  @Test
  void truncateDeclaresTheFullLengthButClosesEarly() throws Exception {
    RawHttp.Response r = RawHttp.get(port, "/gen/t.bin?size=100000&truncate=1000");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.head()).containsIgnoringCase("content-length: 100000");
    assertThat(r.body()).isEqualTo(SyntheticBody.bytes("/gen/t.bin", 1000));
    assertThatThrownBy(() -> get("/gen/t.bin?size=100000&truncate=1000"))
        .isInstanceOf(IOException.class);

    RawHttp.Response zero = RawHttp.get(port, "/gen/t0.bin?size=10&truncate=0");
    assertThat(zero.head()).containsIgnoringCase("content-length: 10");
    assertThat(zero.body()).isEmpty();
    assertThat(get("/gen/after").statusCode()).isEqualTo(200);
  }

  @Test
  void chunkedSendsNoContentLength() throws Exception {
    RawHttp.Response raw = RawHttp.get(port, "/gen/ch.bin?size=200000&chunked=1");
    assertThat(raw.head())
        .containsIgnoringCase("transfer-encoding: chunked")
        .doesNotContainIgnoringCase("content-length");
    HttpResponse<byte[]> r = get("/gen/ch.bin?size=200000&chunked=1");
    assertThat(r.body()).isEqualTo(SyntheticBody.bytes("/gen/ch.bin", 200000));
  }

  @Test
  void varyMixesTheHeaderValueIntoBodyAndEtag() throws Exception {
    HttpResponse<byte[]> en = get("/gen/v?size=64&vary=Accept-Language", "Accept-Language", "en");
    HttpResponse<byte[]> de = get("/gen/v?size=64&vary=Accept-Language", "Accept-Language", "de");
    assertThat(en.headers().firstValue("Vary")).hasValue("Accept-Language");
    assertThat(en.body())
        .isEqualTo(
            SyntheticBody.bytes(SyntheticHandler.seed("/gen/v", "Accept-Language", "en"), 64));
    assertThat(de.body()).isNotEqualTo(en.body());
    assertThat(de.headers().firstValue("ETag")).isNotEqualTo(en.headers().firstValue("ETag"));
  }

  @Test
  void badParametersGive400WithAClearMessage() throws Exception {
    assertBad("/gen/b?size=abc", "parameter 'size'");
    assertBad(
        "/gen/b?size=" + ((1L << 30) + 1), "parameter 'size': expected a byte count 0..1073741824");
    assertBad("/gen/b?size=-1", "parameter 'size'");
    assertBad("/gen/b?status=199", "parameter 'status': expected a status code 200..599");
    assertBad("/gen/b?status=600", "parameter 'status'");
    assertBad("/gen/b?delay=soon", "parameter 'delay'");
    assertBad("/gen/b?size=10&truncate=10", "parameter 'truncate'");
    assertBad("/gen/b?chunked=maybe", "parameter 'chunked'");
    assertBad("/gen/b?vary=bad%20header", "parameter 'vary'");
    assertThat(get("/gen/b?size=" + (1L << 30) + "&status=204").statusCode()).isEqualTo(204);
    assertThat(get("/gen/b?unknown=1&v=2").statusCode()).isEqualTo(200);
  }

  // ---- files ----

  @Test
  void servesFilesWithValidatorsAndConditionalRequests() throws Exception {
    HttpResponse<byte[]> r = get("/hello.txt");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(HELLO);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    String lastModified = r.headers().firstValue("Last-Modified").orElseThrow();
    assertThat(etag).matches("\"[0-9a-f]+-[0-9a-f]+\"");

    HttpResponse<byte[]> notModified = get("/hello.txt", "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();
    assertThat(notModified.headers().firstValue("ETag")).hasValue(etag);
    assertThat(notModified.headers().firstValue("Date")).isPresent();
    assertThat(get("/hello.txt", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
    assertThat(get("/hello.txt", "If-None-Match", "\"nope\"").statusCode()).isEqualTo(200);
    assertThat(get("/hello.txt", "If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").statusCode())
        .isEqualTo(200);
  }

  @Test
  void fileRangesAndHead() throws Exception {
    HttpResponse<byte[]> part = get("/hello.txt", "Range", "bytes=0-4");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(new String(part.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 0-4/" + HELLO.length());

    HttpResponse<byte[]> suffix = get("/hello.txt", "Range", "bytes=-7");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(new String(suffix.body(), StandardCharsets.UTF_8)).isEqualTo("origin\n");

    HttpResponse<byte[]> none = get("/hello.txt", "Range", "bytes=999-");
    assertThat(none.statusCode()).isEqualTo(416);
    assertThat(none.headers().firstValue("Content-Range")).hasValue("bytes */" + HELLO.length());

    HttpResponse<byte[]> stale =
        send(
            request("/hello.txt")
                .header("Range", "bytes=0-4")
                .header("If-Range", "\"old\"")
                .build());
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(new String(stale.body(), StandardCharsets.UTF_8)).isEqualTo(HELLO);

    HttpResponse<byte[]> head =
        send(request("/hello.txt").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(String.valueOf(HELLO.length()));
    assertThat(head.headers().firstValue("ETag")).isPresent();
    assertThat(head.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
  }

  @Test
  void changedFileGetsANewEtag() throws Exception {
    Path f = root.resolve("changing.txt");
    Files.writeString(f, "one");
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    String before = get("/changing.txt").headers().firstValue("ETag").orElseThrow();
    Files.writeString(f, "two!");
    Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2024-01-02T00:00:00Z")));
    HttpResponse<byte[]> after = get("/changing.txt", "If-None-Match", before);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(new String(after.body(), StandardCharsets.UTF_8)).isEqualTo("two!");
    assertThat(after.headers().firstValue("Last-Modified"))
        .hasValue("Tue, 2 Jan 2024 00:00:00 GMT");
  }

  @Test
  void directoryIndexHiddenFilesAndMissingFiles() throws Exception {
    HttpResponse<byte[]> index = get("/sub/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(new String(index.body(), StandardCharsets.UTF_8)).isEqualTo("<p>index</p>");
    assertThat(index.headers().firstValue("ETag")).isPresent();
    assertThat(get("/.hidden").statusCode()).isEqualTo(404);
    assertThat(get("/.git/config").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> missing = get("/nope.txt");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Cache-Control")).isEmpty();
  }

  @Test
  void pathTraversalIsRefused() throws Exception {
    for (String target :
        new String[] {
          "/../secret.txt",
          "/%2e%2e/secret.txt",
          "/sub/%2E%2E/%2e%2e/secret.txt",
          "/..%2fsecret.txt",
          "/sub/..%5c..%5csecret.txt",
          "/%252e%252e/secret.txt"
        }) {
      RawHttp.Response r = RawHttp.get(port, target);
      assertThat(r.status()).as(target).isIn(400, 404);
      assertThat(r.text()).as(target).doesNotContain(SECRET);
    }
    assertThat(RawHttp.get(port, "/../secret.txt").status()).isEqualTo(400);
    assertThat(RawHttp.get(port, "/%2e%2e/secret.txt").status()).isEqualTo(400);
    assertThat(RawHttp.get(port, "/sub/../hello.txt").status()).isEqualTo(400);
    assertThat(RawHttp.get(port, "/hello.txt").text()).isEqualTo(HELLO);
  }

  // ---- counting and admin ----

  @Test
  void countsEveryRequestPerPathButNotAdminCalls() throws Exception {
    get("/gen/x?size=1");
    get("/gen/x?size=2");
    get("/hello.txt");
    get("/nowhere");
    get("/gen/x?size=bad");
    send(request("/_origin/stats").header("Authorization", "Bearer " + TOKEN).build());
    get("/_origin/health");
    assertThat(origin.requests("/gen/x")).isEqualTo(3);
    assertThat(origin.requests("/hello.txt")).isEqualTo(1);
    assertThat(origin.requests("/nowhere")).isEqualTo(1);
    assertThat(origin.requests("/_origin/stats")).isZero();
    assertThat(origin.totalRequests()).isEqualTo(5);
  }

  @Test
  void adminStatsNeedTheBearerToken() throws Exception {
    get("/gen/s1");
    get("/gen/s1");
    get("/missing");
    assertThat(get("/_origin/health").statusCode()).isEqualTo(200);
    HttpResponse<byte[]> anonymous = get("/_origin/stats");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow())
        .startsWith("Bearer");
    assertThat(get("/_origin/stats", "Authorization", "Bearer wrong-token-0123456789").statusCode())
        .isEqualTo(401);
    assertThat(get("/_origin/stats", "Authorization", TOKEN).statusCode()).isEqualTo(401);

    HttpResponse<byte[]> stats = get("/_origin/stats", "Authorization", "Bearer " + TOKEN);
    assertThat(stats.statusCode()).isEqualTo(200);
    JsonObject json = new JsonObject(new String(stats.body(), StandardCharsets.UTF_8));
    assertThat(json.getLong("total")).isEqualTo(3);
    assertThat(json.getJsonObject("paths").getMap())
        .containsEntry("/gen/s1", 2)
        .containsEntry("/missing", 1)
        .hasSize(2);

    HttpRequest delete = request("/_origin/stats").DELETE().build();
    assertThat(send(delete).statusCode()).isEqualTo(401);
    assertThat(origin.totalRequests()).isEqualTo(3);
    assertThat(
            send(request("/_origin/stats")
                    .DELETE()
                    .header("Authorization", "Bearer " + TOKEN)
                    .build())
                .statusCode())
        .isEqualTo(204);
    assertThat(origin.totalRequests()).isZero();
    assertThat(origin.requests("/gen/s1")).isZero();
    assertThat(origin.adminToken()).isEqualTo(TOKEN);
  }

  // ---- lifecycle ----

  @Test
  void withoutRootOnlySyntheticObjectsAndAGeneratedToken() throws Exception {
    OriginServer bare =
        new OriginServer(vertx, new OriginConfig(Endpoint.parse("127.0.0.1:0"), null, null));
    int p = bare.start().await();
    try {
      assertThat(p).isPositive().isNotEqualTo(port);
      assertThat(bare.adminToken()).hasSize(32);
      assertThat(
              send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/hello.txt"))
                      .build())
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/gen/a")).build())
                  .statusCode())
          .isEqualTo(200);
      assertThat(bare.requests("/hello.txt")).isEqualTo(1);
    } finally {
      bare.stop().await();
    }
    // refused, or (when another socket took the freed port meanwhile) no answer: an IOException
    // either way, within the timeout
    assertThatThrownBy(
            () ->
                send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/gen/a"))
                        .timeout(Duration.ofSeconds(5))
                        .build()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void missingRootFailsStart() {
    OriginServer bad =
        new OriginServer(
            vertx,
            new OriginConfig(
                Endpoint.parse("127.0.0.1:0"), tmp.resolve("absent").toString(), null));
    assertThatThrownBy(() -> bad.start().await())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 'root'");
  }

  @Test
  void clientDisconnectMidBodyLeavesTheServerHealthy() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            request("/gen/huge?size=" + (512L << 20)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      assertThat(in.readNBytes(1000)).isEqualTo(SyntheticBody.bytes("/gen/huge", 1000));
    }
    assertThat(get("/gen/after-abort?size=10").statusCode()).isEqualTo(200);
  }

  // ---- helpers ----

  private static HttpRequest.Builder request(String target) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target))
        .timeout(Duration.ofSeconds(30));
  }

  private static HttpResponse<byte[]> get(String target) throws IOException, InterruptedException {
    return send(request(target).build());
  }

  private static HttpResponse<byte[]> get(String target, String header, String value)
      throws IOException, InterruptedException {
    return send(request(target).header(header, value).build());
  }

  private static HttpResponse<byte[]> send(HttpRequest request)
      throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertBad(String target, String message) throws Exception {
    HttpResponse<byte[]> r = get(target);
    assertThat(r.statusCode()).as(target).isEqualTo(400);
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(target).contains(message);
  }
}
