package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling inputs sent over a raw socket (RFC 9112 sections 6.1 and 6.3, 7.1): each must
 * be refused with 400 and never reach the origin.
 */
class RequestSmugglingTest extends EdgeHarness {

  /** Sends raw bytes and returns everything the edge answers until it closes or 3 s pass. */
  String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", edge.port())) {
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // the answer (if any) is already in got
      }
      return got.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // two different Content-Length fields
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde",
        // two Content-Length fields, even equal ones (Netty refuses them, RFC 9112 6.3 allows that)
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
        // one Content-Length field with a list of different values
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: 3, 5\r\n\r\nabcde",
        // Transfer-Encoding that does not end in chunked
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        // obfuscated Transfer-Encoding
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nTransfer-Encoding: xchunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        // whitespace between field name and colon
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length : 3\r\n\r\nabc",
        // negative Content-Length
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: -1\r\n\r\n",
      })
  void smugglingInputIsRefusedWith400(String request) throws Exception {
    origin.content("/p", "origin", "Cache-Control", "no-store");
    start();

    String answer = raw(request);

    assertThat(answer).startsWith("HTTP/1.1 400 ");
    assertThat(origin.count("/p")).isZero();
  }

  @Test
  void aMalformedChunkClosesTheConnectionAndTheOriginNeverGetsTheBody() throws Exception {
    java.util.concurrent.atomic.AtomicInteger bodies =
        new java.util.concurrent.atomic.AtomicInteger();
    origin.route(
        "/p",
        req ->
            req.body()
                .onSuccess(
                    b -> {
                      bodies.incrementAndGet();
                      req.response().end("got " + b);
                    }));
    start();

    // Vert.x closes the connection on a chunk-size error before a 400 can be written
    String answer =
        raw(
            "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nabc\r\n0\r\n\r\n");

    assertThat(answer)
        .satisfiesAnyOf(
            a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 400 "));
    assertThat(bodies.get()).isZero();
  }

  @Test
  void contentLengthWithTransferEncodingIsFramedByTheChunksAndTheRestIsNotARequest()
      throws Exception {
    origin.route(
        "/p",
        req ->
            req.body()
                .onSuccess(
                    b ->
                        req.response()
                            .end("got [" + b + "] cl=" + req.getHeader("Content-Length"))));
    start();

    // CL says 11 bytes ("0\r\n\r\nGET /p"), the chunks say empty: the leftover "GET /p..." is what
    // a smuggler wants a back-end to see as a second request
    String answer =
        raw(
            "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: 11\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /p HTTP/1.1\r\nHost: www.cdn.test\r\nX: y");

    assertThat(answer).startsWith("HTTP/1.1 200 ").contains("got [] cl=null");
    assertThat(origin.count("/p")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nContent-Length: 3\r\n\r\nabc",
        "POST /p HTTP/1.1\r\nHost: www.cdn.test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      })
  void wellFramedRequestsStillPass(String request) throws Exception {
    origin.route("/p", req -> req.body().onSuccess(b -> req.response().end("got " + b)));
    start();

    String answer =
        raw(
            request.contains("Connection: close")
                ? request
                : request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));

    assertThat(answer).startsWith("HTTP/1.1 200 ").endsWith("got abc");
  }
}
