package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.DistributionConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Request targets and the cache key (RFC 9112 3.2, RFC 3986 6.2.2), over a raw socket so the bytes
 * on the wire are exactly the test's: one object for every spelling of a path, absolute-form
 * targets reduced to origin-form or refused, the origin asked with the normal form and the key's
 * Host.
 */
class RequestTargetTest extends EdgeHarness {

  /** Sends one request line plus headers (Connection: close added) and returns the whole answer. */
  String raw(String requestLine, String... headerLines) throws Exception {
    StringBuilder r = new StringBuilder(requestLine).append("\r\n");
    for (String h : headerLines) {
      r.append(h).append("\r\n");
    }
    r.append("Connection: close\r\n\r\n");
    try (Socket s = new Socket("127.0.0.1", edge.port())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(r.toString().getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        // what arrived is the answer
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void everySpellingOfAPathIsOneObjectAndTheOriginSeesTheNormalForm() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    start();

    String first = raw("GET /a/../b HTTP/1.1", "Host: www.cdn.test");
    String encoded = raw("GET /%62 HTTP/1.1", "Host: www.cdn.test");
    String dots = raw("GET /./x/%2E%2E/b HTTP/1.1", "Host: www.cdn.test");
    String plain = raw("GET /b HTTP/1.1", "Host: www.cdn.test");

    assertThat(first).startsWith("HTTP/1.1 200 ").contains("X-Cache: Miss").endsWith("bee");
    assertThat(encoded).startsWith("HTTP/1.1 200 ").contains("X-Cache: Hit").endsWith("bee");
    assertThat(dots).startsWith("HTTP/1.1 200 ").contains("X-Cache: Hit");
    assertThat(plain).startsWith("HTTP/1.1 200 ").contains("X-Cache: Hit");
    assertThat(origin.count("/b")).isEqualTo(1);
    assertThat(origin.count("/a/../b")).isZero();
  }

  @Test
  void anUnsafeRequestToAnotherSpellingInvalidatesTheObject() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    origin.route(
        "/b",
        req -> {
          if (req.method().name().equals("POST")) {
            req.body().onSuccess(x -> req.response().end("posted"));
          } else {
            req.response().putHeader("Cache-Control", "max-age=60").end("bee");
          }
        });
    start();
    get("/b");

    String post = raw("POST /a/%2e%2e/%62 HTTP/1.1", "Host: www.cdn.test", "Content-Length: 0");

    assertThat(post).startsWith("HTTP/1.1 200 ").endsWith("posted");
    assertThat(get("/b").header("X-Cache")).startsWith("Miss");
  }

  @Test
  void anAbsoluteTargetForTheHostIsReducedToOriginForm() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    start();
    get("/b");

    String abs = raw("GET http://WWW.cdn.test:8080/%62 HTTP/1.1", "Host: www.cdn.test");

    assertThat(abs).startsWith("HTTP/1.1 200 ").contains("X-Cache: Hit").endsWith("bee");
    assertThat(origin.count("/b")).isEqualTo(1);
  }

  @Test
  void anAbsoluteTargetForAnotherHostIsRefusedEvenByTheAnyHostDistribution() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    start(testEdge().distributions(List.of(new DistributionConfig("*", origin.url()))).build());

    String other = raw("GET http://other.test/b HTTP/1.1", "Host: www.cdn.test");
    String userInfo = raw("GET http://www.cdn.test@other.test/b HTTP/1.1", "Host: www.cdn.test");
    String noHost = raw("GET http://other.test/b HTTP/1.1");

    assertThat(other).startsWith("HTTP/1.1 400 ");
    assertThat(userInfo).startsWith("HTTP/1.1 400 ");
    assertThat(noHost).startsWith("HTTP/1.1 400 ");
    assertThat(origin.count("/b")).isZero();
  }

  @Test
  void invalidTargetsAreRefused() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    start();

    assertThat(raw("GET /b%zz HTTP/1.1", "Host: www.cdn.test")).startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET b HTTP/1.1", "Host: www.cdn.test")).startsWith("HTTP/1.1 400 ");
    assertThat(raw("GET * HTTP/1.1", "Host: www.cdn.test")).startsWith("HTTP/1.1 400 ");
    assertThat(origin.count("/b")).isZero();
  }

  @Test
  void theOriginIsAskedWithTheHostOfTheCacheKey() throws Exception {
    origin.content("/b", "bee", "Cache-Control", "max-age=60");
    start();

    String r = raw("GET /b HTTP/1.1", "Host: WWW.CDN.TEST.:8080");

    assertThat(r).startsWith("HTTP/1.1 200 ");
    assertThat(origin.lastHeaders().get("Host")).isEqualTo("www.cdn.test");
  }
}
