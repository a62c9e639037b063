package io.opencdn.edge.fill;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  @Test
  void dropsFixedAndConnectionNamedFields() {
    MultiMap in =
        MultiMap.caseInsensitiveMultiMap()
            .add("Connection", "keep-alive, X-Hop")
            .add("Keep-Alive", "timeout=5")
            .add("Transfer-Encoding", "chunked")
            .add("TE", "trailers")
            .add("Upgrade", "h2c")
            .add("Proxy-Authorization", "x")
            .add("X-Hop", "1")
            .add("Cache-Control", "max-age=1")
            .add("X-End", "a")
            .add("X-End", "b");

    MultiMap out = HopByHop.endToEnd(in);

    assertThat(out.names()).containsExactlyInAnyOrder("Cache-Control", "X-End");
    assertThat(out.getAll("X-End")).containsExactly("a", "b");
  }

  @Test
  void originParsesUrls() {
    assertThat(Origin.of(java.net.URI.create("http://127.0.0.1:9090")))
        .isEqualTo(new Origin("127.0.0.1", 9090, false));
    assertThat(Origin.of(java.net.URI.create("https://origin.example")))
        .isEqualTo(new Origin("origin.example", 443, true));
    assertThat(Origin.of(java.net.URI.create("http://[::1]")))
        .isEqualTo(new Origin("::1", 80, false));
  }
}
