package io.opencdn.edge.cluster.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.edge.cache.CacheKey;
import io.opencdn.edge.cache.CachedResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which cache keys a purge request covers: exact paths, prefix wildcards, hosts, surrogate keys.
 */
class PurgeRequestTest {

  @ParameterizedTest(name = "{0} on {1}{2} -> {3}")
  @CsvSource({
    "/a.css,        www.cdn.test, /a.css,        true",
    "/a.css,        www.cdn.test, /a.css?v=2,    false",
    "/a.css,        www.cdn.test, /a.cs,         false",
    "/img/*,        www.cdn.test, /img/1.png,    true",
    "/img/*,        www.cdn.test, /img/,         true",
    "/img/*,        www.cdn.test, /img,          false",
    "/img/*,        www.cdn.test, /images/1.png, false",
    "/*,            other.test,   /anything?q=1, true",
    "/a*,           www.cdn.test, /ab,           true",
  })
  void paths(String path, String host, String target, boolean expected) {
    PurgeRequest r = new PurgeRequest("id", null, List.of(path), List.of(), 0);
    assertThat(r.matches(new CacheKey(host, target), List.of())).isEqualTo(expected);
  }

  @Test
  void aHostLimitsThePathsToThatHost() {
    PurgeRequest r = new PurgeRequest("id", "WWW.cdn.test", List.of("/*"), List.of(), 0);
    assertThat(r.matches(new CacheKey("www.cdn.test", "/x"), List.of())).isTrue();
    assertThat(r.matches(new CacheKey("img.cdn.test", "/x"), List.of())).isFalse();
  }

  @Test
  void surrogateKeysComeFromSurrogateKeyAndCacheTag() {
    MultiMap h =
        MultiMap.caseInsensitiveMultiMap()
            .add("Surrogate-Key", "  p-42   catalog ")
            .add("Cache-Tag", "news, front");
    CachedResponse stored =
        CachedResponse.of(200, h, Buffer.buffer("x"), MultiMap.caseInsensitiveMultiMap(), 0, 0, 60);
    List<String> tags = PurgeRequest.tags(stored);
    assertThat(tags).containsExactly("p-42", "catalog", "news", "front");
    CacheKey k = new CacheKey("h", "/p");
    assertThat(new PurgeRequest("id", null, List.of(), List.of("front"), 0).matches(k, tags))
        .isTrue();
    assertThat(new PurgeRequest("id", null, List.of(), List.of("p-4"), 0).matches(k, tags))
        .isFalse();
    assertThat(new PurgeRequest("id", null, List.of(), List.of("catalog"), 0).matches(k, List.of()))
        .isFalse();
  }

  @Test
  void pathsMustBeAbsolute() {
    assertThatThrownBy(() -> new PurgeRequest("id", null, List.of("a.css"), List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
