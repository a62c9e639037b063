package io.opencdn.common.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompressionTest {

  static final String DOC =
      """
      distributions:
        - id: www
          hosts: [www.cdn.test]
          origins:
            - {id: site, url: "http://127.0.0.1:9090"}
          behaviors:
            - {path: "/static/*", target: site, cachePolicy: CachingOptimized, compress: true}
            - {path: "/api/*", target: site, cachePolicy: CachingDisabled, compress: true}
            - {path: "*", target: site}
      """;

  @ParameterizedTest(name = "Accept-Encoding ''{0}'' -> ''{1}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "br, gzip            | br",
        "gzip, deflate, br   | br",
        "gzip                | gzip",
        "x-gzip              | gzip",
        "GZIP                | gzip",
        "br;q=0, gzip        | gzip",
        "br; q=0.000, gzip   | gzip",
        "br;q=0.001          | br",
        "gzip;q=0.5, br;q=0.1| br",
        "br;q=0, gzip;q=0    | ''",
        "identity            | ''",
        "identity, gzip      | gzip",
        "deflate             | ''",
        "*                   | ''",
        "''                  | ''",
        "' br ; q = 0 , gzip'| gzip",
        "br;Q=0.0;level=1    | ''",
        "br;q=0.5;q=0        | br",
        "br;q=00             | br",
        "br;q=               | br",
        "br;quality=0        | br",
        "brotli, gzipx, xbr  | ''",
        "gzip;q=1.0,,br;q=0. | gzip",
      })
  void preferredCodingKeepsBrThenGzipThenIdentity(String acceptEncoding, String coding) {
    assertThat(Compression.preferredCoding(acceptEncoding)).isEqualTo(coding);
  }

  @Test
  void noHeaderIsIdentity() {
    assertThat(Compression.preferredCoding(null)).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "text/html, true",
    "'text/html; charset=utf-8', true",
    "TEXT/CSS, true",
    "application/javascript, true",
    "application/json, true",
    "image/svg+xml, true",
    "application/vnd.apple.mpegurl, true",
    "font/woff2, false",
    "image/png, false",
    "video/mp4, false",
    "application/octet-stream, false",
    "'', false",
  })
  void compressibleTypesAreCloudFrontsList(String type, boolean compressible) {
    assertThat(Compression.compressibleType(type)).isEqualTo(compressible);
  }

  @Test
  void sizeBoundsAreOneThousandToTenMillionBytes() {
    assertThat(Compression.compressibleType(null)).isFalse();
    assertThat(Compression.compressibleLength(-1)).isFalse();
    assertThat(Compression.compressibleLength(999)).isFalse();
    assertThat(Compression.compressibleLength(1000)).isTrue();
    assertThat(Compression.compressibleLength(10_000_000)).isTrue();
    assertThat(Compression.compressibleLength(10_000_001)).isFalse();
  }

  @Test
  void theBehaviorKeyIsParsedAndOffByDefault() {
    DistributionsDocument doc = DistributionsParser.parse(DOC, "d.yaml");
    Distribution d = doc.forHost("www.cdn.test");
    assertThat(d.behaviorFor("/static/a.css").compress()).isTrue();
    assertThat(d.behaviorFor("/index.html").compress()).isFalse();
    assertThat(
            DistributionsParser.implicit("x", "*", "http://127.0.0.1:9090", false)
                .behaviors()
                .get(0)
                .compress())
        .isEqualTo(Compression.IMPLICIT)
        .isFalse();
    assertThatThrownBy(
            () ->
                DistributionsParser.parse(
                    DOC.replace("compress: true}", "compress: yes}"), "d.yaml"))
        .hasMessageContaining(
            "d.yaml:7: key 'distributions[0].behaviors[0].compress': expected true or false, got 'yes'");
  }

  @Test
  void explainRequestSaysWhetherAndWhatTheRequestGets() {
    DistributionsDocument doc = DistributionsParser.parse(DOC, "d.yaml");
    String br =
        String.join(
            "\n",
            RequestExplainer.explain(
                doc, "http://www.cdn.test/static/a.css", Map.of("accept-encoding", "gzip, br")));
    assertThat(br)
        .contains("compress:     yes, once at fill time")
        .contains("1000-10000000 bytes")
        .contains("this request gets br; cache key variant Accept-Encoding=br");
    assertThat(
            String.join(
                "\n", RequestExplainer.explain(doc, "http://www.cdn.test/static/a.css", Map.of())))
        .contains("this request gets identity");
    assertThat(
            String.join(
                "\n",
                RequestExplainer.explain(
                    doc, "http://www.cdn.test/index.html", Map.of("accept-encoding", "br"))))
        .contains("compress:     no");
    assertThat(
            String.join("\n", RequestExplainer.explain(doc, "http://www.cdn.test/api/x", Map.of())))
        .contains("compress:     set, but nothing is compressed: the cache is bypassed");
  }
}
