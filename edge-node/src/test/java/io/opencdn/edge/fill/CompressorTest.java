package io.opencdn.edge.fill;

import static org.assertj.core.api.Assertions.assertThat;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.Variants;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressorTest {

  static final long MAX_OBJECT = 16 << 20;

  static MultiMap headers(String... pairs) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "html of 5000 bytes            | 200 | text/html; charset=utf-8 |               |            | 5000     | true",
        "identity coding               | 200 | text/css                 | identity      |            | 5000     | true",
        "already gzip                  | 200 | text/html                | gzip          |            | 5000     | false",
        "already br                    | 200 | application/json         | br            |            | 5000     | false",
        "not a compressible type       | 200 | image/png                |               |            | 5000     | false",
        "no Content-Type               | 200 |                          |               |            | 5000     | false",
        "no-transform                  | 200 | text/html                |               | public, no-transform | 5000 | false",
        "999 bytes                     | 200 | text/html                |               |            | 999      | false",
        "1000 bytes                    | 200 | text/html                |               |            | 1000     | true",
        "10,000,000 bytes              | 200 | text/html                |               |            | 10000000 | true",
        "10,000,001 bytes              | 200 | text/html                |               |            | 10000001 | false",
        "length unknown (chunked)      | 200 | text/html                |               |            | -1       | false",
        "a 206                         | 206 | text/html                |               |            | 5000     | false",
        "a 404                         | 404 | text/html                |               |            | 5000     | false",
      })
  void decidesLikeCloudFront(
      String what,
      int status,
      String type,
      String encoding,
      String cacheControl,
      long length,
      boolean compresses) {
    MultiMap h = headers();
    if (type != null) {
      h.add("Content-Type", type);
    }
    if (encoding != null) {
      h.add("Content-Encoding", encoding);
    }
    if (cacheControl != null) {
      h.add("Cache-Control", cacheControl);
    }
    assertThat(Compressor.compresses(status, h, length, MAX_OBJECT)).as(what).isEqualTo(compresses);
  }

  @Test
  void aBodyHeldOnDiskOnlyIsNotCompressed() {
    assertThat(Compressor.compresses(200, headers("Content-Type", "text/html"), 5000, 4096))
        .isFalse();
  }

  @Test
  void encodingsDecodeToTheOriginalBody() throws IOException {
    byte[] body = html(50_000);
    Compressor.Encoded enc = Compressor.encodeNow(body);
    assertThat(gunzip(enc.gzip().getBytes())).isEqualTo(body);
    assertThat(Compressor.brotli()).as("brotli4j's native library loads here").isTrue();
    assertThat(unbrotli(enc.br().getBytes())).isEqualTo(body);
    assertThat(enc.br().length()).isLessThan(enc.gzip().length()).isLessThan(body.length / 3);
    // the faster settings of large bodies decode the same
    assertThat(gunzip(Compressor.gzip(body, 6).getBytes())).isEqualTo(body);
    assertThat(unbrotli(Compressor.brotli(body, 5).getBytes())).isEqualTo(body);
  }

  @Test
  void variantsCarryVaryEncodingLengthAndAWeakEtag() throws IOException {
    byte[] body = html(5_000);
    OriginResponse res =
        new OriginResponse(
            200,
            headers(
                "Content-Type", "text/html",
                "Content-Length", "5000",
                "ETag", "\"v1\"",
                "Vary", "Origin"),
            null,
            1_000,
            1_010);
    MultiMap request = headers("Accept-Encoding", "gzip, deflate, br", "Origin", "https://a.test");
    List<Compressor.Variant> vs =
        Compressor.variants(res, Buffer.buffer(body), Compressor.encodeNow(body), request, 60);
    assertThat(vs).extracting(Compressor.Variant::coding).containsExactly("", "gzip", "br");

    CachedResponse identity = vs.get(0).entry();
    assertThat(identity.header("Content-Encoding")).isNull();
    assertThat(identity.header("ETag")).isEqualTo("\"v1\"");
    assertThat(identity.header("Content-Length")).isEqualTo("5000");
    assertThat(Variants.varyNames(identity.headers())).containsExactly("accept-encoding", "origin");
    assertThat(identity.varyValues())
        .containsEntry("accept-encoding", "")
        .containsEntry("origin", "https://a.test");

    CachedResponse gzip = vs.get(1).entry();
    assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(gzip.header("ETag")).isEqualTo("W/\"v1\"");
    assertThat(gzip.header("Content-Length")).isEqualTo(Integer.toString(gzip.body().length()));
    assertThat(gunzip(gzip.body().getBytes())).isEqualTo(body);
    assertThat(gzip.varyValues()).containsEntry("accept-encoding", "gzip");

    CachedResponse br = vs.get(2).entry();
    assertThat(br.header("Content-Encoding")).isEqualTo("br");
    assertThat(br.header("ETag")).isEqualTo("W/\"v1\"");
    assertThat(unbrotli(br.body().getBytes())).isEqualTo(body);
    assertThat(br.matchesVary(request)).isTrue();
    assertThat(
            gzip.matchesVary(
                headers("Accept-Encoding", "br;q=0, gzip", "Origin", "https://a.test")))
        .isTrue();
    assertThat(
            identity.matchesVary(
                headers("Accept-Encoding", "identity", "Origin", "https://a.test")))
        .isTrue();
    // the filling request's own headers are left as they were
    assertThat(request.get("Accept-Encoding")).isEqualTo("gzip, deflate, br");
  }

  @Test
  void varyAlreadyNamingAcceptEncodingIsNotRepeatedAndWeakEtagsStayAsTheyAre() throws IOException {
    byte[] body = html(2_000);
    OriginResponse res =
        new OriginResponse(
            200,
            headers("Content-Type", "text/css", "Vary", "accept-encoding", "ETag", "W/\"w\""),
            null,
            0,
            0);
    List<Compressor.Variant> vs =
        Compressor.variants(res, Buffer.buffer(body), Compressor.encodeNow(body), headers(), 60);
    for (Compressor.Variant v : vs) {
      assertThat(v.entry().headers().stream().filter(e -> e.getKey().equalsIgnoreCase("Vary")))
          .hasSize(1);
      assertThat(v.entry().header("ETag")).isEqualTo("W/\"w\"");
    }
  }

  @Test
  void aRevalidationKeepsTheEncodedVariantsWeakEtagAndVary() throws IOException {
    byte[] body = html(3_000);
    OriginResponse res =
        new OriginResponse(
            200,
            headers("Content-Type", "text/html", "ETag", "\"v1\"", "Vary", "Origin"),
            null,
            0,
            0);
    List<Compressor.Variant> vs =
        Compressor.variants(
            res,
            Buffer.buffer(body),
            Compressor.encodeNow(body),
            headers("Accept-Encoding", "br"),
            60);
    MultiMap notModified =
        headers("ETag", "\"v1\"", "Vary", "Origin", "Cache-Control", "max-age=60");
    CachedResponse br = vs.get(2).entry();
    MultiMap merged = br.headersUpdatedBy(notModified);
    Compressor.keepVariant(br, merged);
    assertThat(merged.get("ETag")).isEqualTo("W/\"v1\"");
    assertThat(merged.get("Content-Encoding")).isEqualTo("br");
    assertThat(Variants.varyNames(List.copyOf(merged.entries())))
        .containsExactly("accept-encoding", "origin");
    CachedResponse identity = vs.get(0).entry();
    MultiMap plain = identity.headersUpdatedBy(notModified);
    Compressor.keepVariant(identity, plain);
    assertThat(plain.get("ETag")).isEqualTo("\"v1\"");
  }

  /** HTML-like text of {@code n} bytes that compresses as pages do (repetitive, not constant). */
  static byte[] html(int n) {
    StringBuilder b = new StringBuilder("<!doctype html><html><body>\n");
    for (int i = 0; b.length() < n; i++) {
      b.append("<li class=\"item\"><a href=\"/products/")
          .append(i * 7919 % 100_003)
          .append("\">Product ")
          .append(i)
          .append("</a> <span>")
          .append(Integer.toHexString(i * 31))
          .append("</span></li>\n");
    }
    return b.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] gunzip(byte[] in) throws IOException {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(in))) {
      return z.readAllBytes();
    }
  }

  static byte[] unbrotli(byte[] in) throws IOException {
    DirectDecompress d = Decoder.decompress(in);
    assertThat(d.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
    return d.getDecompressedData();
  }
}
