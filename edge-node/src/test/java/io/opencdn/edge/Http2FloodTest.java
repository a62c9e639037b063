package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.ConnectionsConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 floods against the TLS listener, written frame by frame: rapid reset (CVE-2023-44487:
 * HEADERS then RST_STREAM, over and over) and CONTINUATION floods (a header block that never ends,
 * with data or empty frames) end with the connection closed, and the edge keeps answering.
 */
class Http2FloodTest extends EdgeHarness {

  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int ENHANCE_YOUR_CALM = 0xb;

  EdgeConfig config(ConnectionsConfig connections) {
    return testEdgeWithTls().connections(connections).build();
  }

  /**
   * A raw HTTP/2 connection over TLS (ALPN h2); a reader thread answers SETTINGS and notes GOAWAY.
   */
  static final class H2 implements AutoCloseable {
    final SSLSocket socket;
    final OutputStream out;
    final CompletableFuture<Integer> goAway = new CompletableFuture<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    /** The server's first SETTINGS, acknowledged: from then on only the test thread writes. */
    final CompletableFuture<Void> settled = new CompletableFuture<>();

    volatile int headersReceived;

    /** The debug data of the GOAWAY. */
    volatile String goAwayText = "";

    H2(int port) throws Exception {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              public void checkClientTrusted(X509Certificate[] c, String a) {}

              public void checkServerTrusted(X509Certificate[] c, String a) {}

              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          null);
      socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
      SSLParameters p = socket.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(p);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
      out = socket.getOutputStream();
      synchronized (out) {
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        frame(SETTINGS, 0, 0, new byte[0]);
        out.flush();
      }
      Thread reader = new Thread(this::read, "h2-test-reader");
      reader.setDaemon(true);
      reader.start();
      // a SETTINGS ACK written in the middle of a header block would be a protocol error
      settled.get(5, TimeUnit.SECONDS);
    }

    private void read() {
      try {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
          int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
          int type = in.readUnsignedByte();
          int flags = in.readUnsignedByte();
          in.readInt();
          byte[] payload = in.readNBytes(length);
          if (type == SETTINGS && (flags & 0x1) == 0) {
            synchronized (out) {
              frame(SETTINGS, 0x1, 0, new byte[0]);
              out.flush();
            }
            settled.complete(null);
          } else if (type == GOAWAY) {
            goAwayText = new String(payload, 8, payload.length - 8, StandardCharsets.ISO_8859_1);
            goAway.complete(
                ((payload[4] & 0xff) << 24)
                    | ((payload[5] & 0xff) << 16)
                    | ((payload[6] & 0xff) << 8)
                    | (payload[7] & 0xff));
          } else if (type == HEADERS) {
            headersReceived++;
          }
        }
      } catch (EOFException | java.net.SocketException e) {
        closed.complete(null);
      } catch (IOException e) {
        closed.complete(null);
      }
    }

    void frame(int type, int flags, int stream, byte[] payload) throws IOException {
      byte[] h = {
        (byte) (payload.length >> 16),
        (byte) (payload.length >> 8),
        (byte) payload.length,
        (byte) type,
        (byte) flags,
        (byte) (stream >> 24),
        (byte) (stream >> 16),
        (byte) (stream >> 8),
        (byte) stream
      };
      out.write(h);
      out.write(payload);
    }

    /** An HPACK block: GET https www.cdn.test {@code path} (all literals without indexing). */
    static byte[] request(String path) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(0x82); // :method GET
      b.write(0x87); // :scheme https
      literal(b, 4, path); // :path
      literal(b, 1, "www.cdn.test"); // :authority
      return b.toByteArray();
    }

    static void literal(ByteArrayOutputStream b, int nameIndex, String value) {
      b.write(nameIndex); // literal without indexing, indexed name (4-bit prefix)
      b.write(value.length());
      b.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes frames until the edge closes the connection; true when it did. */
    boolean writeUntilClosed(IoRunnable write, int times) {
      try {
        for (int i = 0; i < times && !closed.isDone() && !goAway.isDone(); i++) {
          synchronized (out) {
            write.run(i);
            if (i % 16 == 15) {
              out.flush();
            }
          }
        }
        synchronized (out) {
          out.flush();
        }
      } catch (IOException e) {
        return true; // the edge closed it under us
      }
      try {
        closed.get(10, TimeUnit.SECONDS);
        return true;
      } catch (Exception e) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  interface IoRunnable {
    void run(int i) throws IOException;
  }

  @Test
  void rapidResetEndsWithGoAwayAndTheEdgeStillAnswers() throws Exception {
    origin.content("/r", "r", "Cache-Control", "max-age=60");
    start(config(new ConnectionsConfig(null, null, null, null, null, null, 50, 30)));
    long before = edge.metrics().requests();

    try (H2 h2 = new H2(edge.tlsPort())) {
      byte[] block = H2.request("/r");
      boolean closed =
          h2.writeUntilClosed(
              i -> {
                int stream = 2 * i + 1;
                h2.frame(HEADERS, END_STREAM | END_HEADERS, stream, block);
                h2.frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8}); // CANCEL
              },
              5_000);

      assertThat(closed).isTrue();
      // the GOAWAY may be lost when the edge resets the connection under frames still arriving
      assertThat(h2.goAway.getNow(ENHANCE_YOUR_CALM)).isEqualTo(ENHANCE_YOUR_CALM);
    }
    // requests that reached the cache stage: about the allowed resets, not the 5000 sent
    assertThat(edge.metrics().requests() - before).isLessThanOrEqualTo(60);
    assertThat(get("/r").status()).isEqualTo(200);
  }

  @Test
  void aHeaderBlockGrowingThroughContinuationFramesIsCut() throws Exception {
    start(config(ConnectionsConfig.DEFAULTS));

    try (H2 h2 = new H2(edge.tlsPort())) {
      byte[] junk = new byte[1000];
      java.util.Arrays.fill(junk, (byte) 0x40);
      boolean closed =
          h2.writeUntilClosed(
              i -> {
                if (i == 0) {
                  h2.frame(HEADERS, END_STREAM, 1, H2.request("/c"));
                } else {
                  h2.frame(CONTINUATION, 0, 1, junk); // never END_HEADERS
                }
              },
              100_000);

      assertThat(closed).as("closed long before 100 MB of header block").isTrue();
      // Netty cuts the block at 10 KiB (8 KiB header list + 25 %): GOAWAY PROTOCOL_ERROR
      if (h2.goAway.isDone()) {
        assertThat(h2.goAwayText).contains("Header size exceeded");
      }
    }
    assertThat(get("/").status()).isEqualTo(404);
  }

  @Test
  void aHeaderBlockOfEmptyContinuationFramesIsCutAtTheHeaderDeadline() throws Exception {
    start(config(new ConnectionsConfig(null, null, 800, null, null, null, null, null)));

    try (H2 h2 = new H2(edge.tlsPort())) {
      long started = System.nanoTime();
      boolean closed =
          h2.writeUntilClosed(
              i -> {
                if (i == 0) {
                  h2.frame(HEADERS, END_STREAM, 1, H2.request("/c"));
                } else {
                  h2.frame(CONTINUATION, 0, 1, new byte[0]);
                  if (i % 100 == 0) {
                    out(h2).flush();
                    try {
                      Thread.sleep(10); // a steady trickle, never idle
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }
              },
              1_000_000);

      assertThat(closed).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(edge.connections().timedOutConnections()).isEqualTo(1);
  }

  @Test
  void anHttp2ConnectionInUseOutlivesTheHeaderDeadline() throws Exception {
    origin.content("/k", "k", "Cache-Control", "max-age=60");
    start(config(new ConnectionsConfig(null, null, 500, 60_000, null, null, null, null)));

    try (H2 h2 = new H2(edge.tlsPort())) {
      synchronized (h2.out) {
        h2.frame(HEADERS, END_STREAM | END_HEADERS, 1, H2.request("/k"));
        h2.out.flush();
      }
      Await.until(Duration.ofSeconds(5), () -> h2.headersReceived == 1);
      Thread.sleep(1500); // idle past the header deadline: the keep-alive deadline applies now
      synchronized (h2.out) {
        h2.frame(HEADERS, END_STREAM | END_HEADERS, 3, H2.request("/k"));
        h2.out.flush();
      }
      Await.until(Duration.ofSeconds(5), () -> h2.headersReceived == 2 || h2.closed.isDone());

      assertThat(h2.closed).isNotDone();
      assertThat(h2.headersReceived).isEqualTo(2);
    }
    assertThat(edge.connections().timedOutConnections()).isZero();
  }

  static OutputStream out(H2 h2) {
    return h2.out;
  }
}
