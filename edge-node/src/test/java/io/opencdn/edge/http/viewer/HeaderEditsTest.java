package io.opencdn.edge.http.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.opencdn.common.distribution.ResponseHeadersPolicy;
import io.opencdn.common.distribution.ResponseHeadersPolicy.HeaderRule;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderEditsTest {

  private static final ResponseHeadersPolicy POLICY =
      new ResponseHeadersPolicy(
          "p",
          new ResponseHeadersPolicy.Cors(
              List.of("https://a.example"),
              List.of("GET", "POST"),
              List.of("X-Token"),
              List.of("X-Id"),
              true,
              300,
              true,
              true),
          List.of(
              new HeaderRule("X-Frame-Options", "DENY", true), new HeaderRule("X-A", "1", false)),
          List.of("Server"),
          100);

  @Test
  void staticEditsOverrideAddRemoveAndVary() {
    HeaderEdits e = new HeaderEdits(POLICY);
    MultiMap h = HttpHeaders.headers();
    h.add("X-Frame-Options", "SAMEORIGIN").add("X-A", "origin").add("Server", "nginx");
    h.add("Vary", "Accept-Encoding");
    e.applyStatic(h);
    assertThat(h.get("X-Frame-Options")).isEqualTo("DENY");
    assertThat(h.get("X-A")).isEqualTo("origin");
    assertThat(h.contains("Server")).isFalse();
    assertThat(h.get("Vary")).isEqualTo("Accept-Encoding, Origin");
  }

  @Test
  void aBlockThatHasTheEditsIsOnlyRead() {
    HeaderEdits e = new HeaderEdits(ResponseHeadersPolicy.BUILT_IN.get("SecurityHeadersPolicy"));
    MultiMap h = HttpHeaders.headers().add("Content-Type", "text/plain");
    e.applyStatic(h);
    MultiMap readOnly = h.copy(false);
    e.applyStatic(readOnly); // would throw on a write: the block is read-only
    assertThat(readOnly.get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(readOnly.get("Strict-Transport-Security")).isEqualTo("max-age=31536000");
  }

  @Test
  void perRequestCorsAndServerTiming() {
    HeaderEdits e = new HeaderEdits(POLICY);
    MultiMap h = HttpHeaders.headers();
    e.applyPerRequest(h, "https://a.example", "Hit from e1", System.nanoTime());
    assertThat(h.get("Access-Control-Allow-Origin")).isEqualTo("https://a.example");
    assertThat(h.get("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(h.get("Access-Control-Expose-Headers")).isEqualTo("X-Id");
    assertThat(h.get("Server-Timing"))
        .startsWith("cdn-cache-hit, cdn-pop;desc=\"e1\", cdn-edge;dur=");
    MultiMap other = HttpHeaders.headers();
    e.applyPerRequest(other, "https://b.example", "Miss from e1", System.nanoTime());
    assertThat(other.contains("Access-Control-Allow-Origin")).isFalse();
  }

  @Test
  void serverTimingNamesTheCacheStatus() {
    assertThat(HeaderEdits.serverTiming("RefreshHit from e2 (peer e3)", 1.25))
        .isEqualTo("cdn-cache-refresh, cdn-pop;desc=\"e2\", cdn-edge;dur=1.3");
    assertThat(HeaderEdits.serverTiming("Error from e2", 0)).startsWith("cdn-cache-error");
    assertThat(HeaderEdits.serverTiming(null, 0)).isEqualTo("cdn-cache-miss, cdn-edge;dur=0.0");
  }

  @Test
  void preflights() {
    HeaderEdits e = new HeaderEdits(POLICY);
    MultiMap ok = e.preflight("https://a.example", "post", "X-Token");
    assertThat(ok.get("Access-Control-Allow-Origin")).isEqualTo("https://a.example");
    assertThat(ok.get("Access-Control-Allow-Methods")).isEqualTo("GET, POST");
    assertThat(ok.get("Access-Control-Allow-Headers")).isEqualTo("X-Token");
    assertThat(ok.get("Access-Control-Max-Age")).isEqualTo("300");
    assertThat(ok.get("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(e.preflight("https://b.example", "GET", null)).isNull();
    assertThat(e.preflight("https://a.example", "DELETE", null)).isNull();
    assertThat(HeaderEdits.isPreflight("OPTIONS", "https://a.example", "GET")).isTrue();
    assertThat(HeaderEdits.isPreflight("OPTIONS", null, "GET")).isFalse();
  }

  @Test
  void hitLabelsAreEqualButNotTheSame() {
    AsciiString base = AsciiString.cached("Hit from e1");
    HeaderEdits e = new HeaderEdits(POLICY);
    Object label = e.hitLabel(base);
    assertThat(label).isNotSameAs(base).isEqualTo(base);
    assertThat(label).isSameAs(e.hitLabel(base));
  }
}
