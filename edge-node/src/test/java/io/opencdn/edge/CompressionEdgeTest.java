package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@code compress: true} through a running edge: the first client's fill is compressed once into
 * identity, gzip and br variants, so every later client, whatever it accepts, gets a hit in its
 * encoding with the origin asked once; responses the behavior must not touch are served as the
 * origin sent them.
 */
class CompressionEdgeTest extends EdgeHarness {

  static final String PAGE = page(30_000);

  private String doc() {
    return """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins:
              - {id: site, url: "%s"}
            behaviors:
              - {path: "/raw/*", target: site, cachePolicy: CachingOptimized}
              - {path: "*", target: site, cachePolicy: CachingOptimized, compress: true}
        """
        .formatted(origin.url());
  }

  record Bytes(int status, MultiMap headers, Buffer body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private void startCompressing() {
    origin.content(
        "/page.html", PAGE, "Content-Type", "text/html; charset=utf-8", "ETag", "\"v1\"");
    origin.content("/raw/page.html", PAGE, "Content-Type", "text/html");
    origin.content("/small.html", "<p>tiny</p>", "Content-Type", "text/html");
    origin.content("/logo.png", PAGE, "Content-Type", "image/png");
    start();
    edge.activate(DistributionsParser.parse(doc(), "d.yaml"));
  }

  @Test
  void compressesOnceAtFillAndServesEachEncodingAsAHit() throws IOException {
    startCompressing();

    Bytes first = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "br, gzip");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("X-Cache")).startsWith("Miss");
    assertThat(first.header("Content-Encoding")).isEqualTo("br");
    assertThat(first.header("Vary")).containsIgnoringCase("Accept-Encoding");
    assertThat(first.header("ETag")).isEqualTo("W/\"v1\"");
    assertThat(first.header("Content-Length")).isEqualTo(Integer.toString(first.body().length()));
    assertThat(first.body().length()).isLessThan(PAGE.length() / 4);
    assertThat(unbrotli(first.body())).isEqualTo(PAGE);

    Bytes second = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "gzip, deflate, br");
    assertThat(second.header("X-Cache")).startsWith("Hit");
    assertThat(second.header("Content-Encoding")).isEqualTo("br");
    assertThat(second.body()).isEqualTo(first.body());

    Bytes gzip = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "br;q=0, gzip");
    assertThat(gzip.header("X-Cache")).startsWith("Hit");
    assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzip.header("ETag")).isEqualTo("W/\"v1\"");
    assertThat(gzip.header("Vary")).containsIgnoringCase("Accept-Encoding");
    assertThat(gzip.header("Content-Length")).isEqualTo(Integer.toString(gzip.body().length()));
    assertThat(gunzip(gzip.body())).isEqualTo(PAGE);

    for (String[] identity :
        new String[][] {{}, {"Accept-Encoding", "identity"}, {"Accept-Encoding", "deflate"}}) {
      Bytes plain = fetch(HttpMethod.GET, "/page.html", identity);
      assertThat(plain.header("X-Cache")).startsWith("Hit");
      assertThat(plain.header("Content-Encoding")).isNull();
      assertThat(plain.header("ETag")).isEqualTo("\"v1\"");
      assertThat(plain.header("Vary")).containsIgnoringCase("Accept-Encoding");
      assertThat(plain.body().toString(StandardCharsets.UTF_8)).isEqualTo(PAGE);
    }

    Bytes head = fetch(HttpMethod.HEAD, "/page.html", "Accept-Encoding", "br");
    assertThat(head.header("Content-Encoding")).isEqualTo("br");
    assertThat(head.header("Content-Length")).isEqualTo(first.header("Content-Length"));
    assertThat(head.body().length()).isZero();

    assertThat(origin.count("/page.html")).isEqualTo(1);
    assertThat(edge.metrics().compressedFills.sum()).isEqualTo(1);
  }

  @Test
  void aGzipOnlyFirstClientStillFillsEveryEncoding() throws IOException {
    startCompressing();
    Bytes gzip = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "gzip");
    assertThat(gzip.header("X-Cache")).startsWith("Miss");
    assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gunzip(gzip.body())).isEqualTo(PAGE);
    Bytes br = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "br");
    assertThat(br.header("X-Cache")).startsWith("Hit");
    assertThat(unbrotli(br.body())).isEqualTo(PAGE);
    assertThat(origin.count("/page.html")).isEqualTo(1);
  }

  @Test
  void leavesAloneWhatTheBehaviorOrCloudFrontsRulesDoNotCompress() {
    startCompressing();
    for (String path : new String[] {"/raw/page.html", "/small.html", "/logo.png"}) {
      Bytes r = fetch(HttpMethod.GET, path, "Accept-Encoding", "br, gzip");
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Encoding")).as(path).isNull();
      assertThat(fetch(HttpMethod.GET, path, "Accept-Encoding", "br, gzip").header("X-Cache"))
          .as(path)
          .startsWith("Hit");
    }
    assertThat(edge.metrics().compressedFills.sum()).isZero();
  }

  @Test
  void aDistributionOfTheEdgesOwnFileCompressesWhenItSaysSo() throws IOException {
    origin.content("/page.html", PAGE, "Content-Type", "text/html", "Cache-Control", "max-age=60");
    EdgeConfig own = config(origin.url(), 1 << 20, 64 << 10, 2000);
    start(
        own.toBuilder()
            .distributions(List.of(new DistributionConfig(HOST, origin.url(), false, true)))
            .build());
    Bytes first = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "gzip");
    assertThat(first.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gunzip(first.body())).isEqualTo(PAGE);
    Bytes br = fetch(HttpMethod.GET, "/page.html", "Accept-Encoding", "br");
    assertThat(br.header("X-Cache")).startsWith("Hit");
    assertThat(unbrotli(br.body())).isEqualTo(PAGE);
    assertThat(fetch(HttpMethod.GET, "/page.html").body().toString(StandardCharsets.UTF_8))
        .isEqualTo(PAGE);
    assertThat(origin.count("/page.html")).isEqualTo(1);
    assertThat(edge.metrics().compressedFills.sum()).isEqualTo(1);
  }

  @Test
  void anOriginThatCompressesItselfIsNotCompressedAgain() throws IOException {
    byte[] gz = gzipOf(PAGE);
    origin.route(
        "/pre.html",
        req ->
            req.response()
                .putHeader("Content-Type", "text/html")
                .putHeader("Content-Encoding", "gzip")
                .putHeader("Vary", "Accept-Encoding")
                .end(Buffer.buffer(gz)));
    start();
    edge.activate(DistributionsParser.parse(doc(), "d.yaml"));
    Bytes r = fetch(HttpMethod.GET, "/pre.html", "Accept-Encoding", "gzip");
    assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.body()).isEqualTo(Buffer.buffer(gz));
    assertThat(edge.metrics().compressedFills.sum()).isZero();
  }

  private Bytes fetch(HttpMethod method, String path, String... headerPairs) {
    Promise<Bytes> result = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(v -> fetchOnContext(method, path, headerPairs).onComplete(result));
    return await(result.future());
  }

  private Future<Bytes> fetchOnContext(HttpMethod method, String path, String... headerPairs) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(edge.port())
            .setURI(path)
            .putHeader("Host", HOST);
    for (int i = 0; i < headerPairs.length; i += 2) {
      o.addHeader(headerPairs[i], headerPairs[i + 1]);
    }
    return client
        .request(o)
        .compose(
            req ->
                req.send()
                    .compose(
                        res -> res.body().map(b -> new Bytes(res.statusCode(), res.headers(), b))));
  }

  static String page(int n) {
    StringBuilder b = new StringBuilder("<!doctype html><html><body><ul>\n");
    for (int i = 0; b.length() < n; i++) {
      b.append("<li><a href=\"/p/").append(i * 7919 % 100_003).append("\">Item ").append(i);
      b.append("</a></li>\n");
    }
    return b.substring(0, n);
  }

  static String gunzip(Buffer b) throws IOException {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(b.getBytes()))) {
      return new String(z.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String unbrotli(Buffer b) throws IOException {
    return new String(
        Decoder.decompress(b.getBytes()).getDecompressedData(), StandardCharsets.UTF_8);
  }

  static byte[] gzipOf(String s) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
      z.write(s.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
