package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.ConnectionsConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Client connections stay within the configured caps (total and per address), and no connection
 * outlives its request head deadline, however slowly its bytes come (slowloris): real sockets
 * against the edge on port 0.
 */
class ConnectionLimitsTest extends EdgeHarness {

  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void closeSockets() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }

  EdgeConfig config(ConnectionsConfig connections) {
    return testEdge().connections(connections).build();
  }

  static ConnectionsConfig limits(int max, int perAddress, int headerMillis, int keepAliveMillis) {
    return new ConnectionsConfig(
        max, perAddress, headerMillis, keepAliveMillis, null, null, null, null);
  }

  /** A socket to the edge from {@code local} (a loopback address), kept until the test ends. */
  Socket connect(String local) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    s.connect(new InetSocketAddress("127.0.0.1", edge.port()), 2000);
    sockets.add(s);
    return s;
  }

  /** True when the edge closes {@code s} (EOF or reset) within {@code timeout}. */
  static boolean closedWithin(Socket s, Duration timeout) throws IOException {
    s.setSoTimeout(50);
    long deadline = System.nanoTime() + timeout.toNanos();
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    while (System.nanoTime() < deadline) {
      try {
        if (in.read(buf) < 0) {
          return true;
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        return true; // reset
      }
    }
    return false;
  }

  /** One GET on {@code s} (keep-alive); the status line of the answer. */
  static String get(Socket s, String path) throws IOException {
    s.getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: www.cdn.test\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return "closed";
      }
      head.append((char) b);
    }
    int length =
        Integer.parseInt(head.toString().replaceAll("(?is).*content-length: *(\\d+).*", "$1"));
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  @Test
  void aClientAddressCannotHoldMoreThanItsShare() throws IOException {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start(config(limits(100, 3, 60_000, 60_000)));
    List<Socket> mine = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      mine.add(connect("127.0.0.1"));
    }
    assertThat(get(mine.get(0), "/a")).isEqualTo("HTTP/1.1 200 OK");

    Socket fourth = connect("127.0.0.1");

    assertThat(closedWithin(fourth, Duration.ofSeconds(5))).isTrue();
    assertThat(get(connect("127.0.0.2"), "/a"))
        .as("another address still gets in")
        .isEqualTo("HTTP/1.1 200 OK");
    for (Socket s : mine) {
      assertThat(get(s, "/a")).isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(edge.connections().refusedConnections()).isEqualTo(1);
    // a slot freed by a close is taken again
    mine.get(1).close();
    Await.until(Duration.ofSeconds(5), () -> edge.connections().openConnections() == 3);
    assertThat(get(connect("127.0.0.1"), "/a")).isEqualTo("HTTP/1.1 200 OK");
  }

  @Test
  void theEdgeHoldsNoMoreThanMaxConnections() throws IOException {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start(config(limits(4, 2, 60_000, 60_000)));
    List<Socket> held =
        List.of(
            connect("127.0.0.1"), connect("127.0.0.1"), connect("127.0.0.2"), connect("127.0.0.3"));
    for (Socket s : held) {
      assertThat(get(s, "/a")).isEqualTo("HTTP/1.1 200 OK");
    }

    Socket fifth = connect("127.0.0.4");

    assertThat(closedWithin(fifth, Duration.ofSeconds(5))).isTrue();
    assertThat(edge.connections().openConnections()).isEqualTo(4);
    assertThat(edge.metrics().scrape()).contains("cdn_client_connections_refused_total 1.0");
  }

  @Test
  void aRequestHeadTricklingInIsCutAtItsDeadline() throws IOException {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start(config(limits(100, 10, 600, 60_000)));
    Socket s = connect("127.0.0.1");
    OutputStream out = s.getOutputStream();
    out.write("GET /a HTTP/1.1\r\nHost: www.cdn.test\r\n".getBytes(StandardCharsets.ISO_8859_1));
    long started = System.nanoTime();

    boolean closed = false;
    for (int i = 0; i < 100 && !closed; i++) { // a header line every 100 ms: never idle for long
      try {
        out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        closed = true;
        break;
      }
      closed = closedWithin(s, Duration.ofMillis(100));
    }

    assertThat(closed).as("closed while still sending headers").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(edge.connections().timedOutConnections()).isEqualTo(1);
    assertThat(origin.count("/a")).isZero();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeaderDeadline() throws IOException {
    start(config(limits(100, 10, 500, 60_000)));
    Socket s = connect("127.0.0.1");

    assertThat(closedWithin(s, Duration.ofSeconds(5))).isTrue();
    Await.until(Duration.ofSeconds(5), () -> edge.connections().openConnections() == 0);
    assertThat(edge.connections().timedOutConnections()).isEqualTo(1);
  }

  @Test
  void aKeptAliveConnectionTricklingItsNextRequestIsClosedAtTheKeepAliveDeadline()
      throws IOException {
    origin.content("/a", "a", "Cache-Control", "max-age=60");
    start(config(limits(100, 10, 60_000, 800)));
    Socket s = connect("127.0.0.1");
    assertThat(get(s, "/a")).isEqualTo("HTTP/1.1 200 OK");
    assertThat(get(s, "/a")).as("kept alive").isEqualTo("HTTP/1.1 200 OK");
    OutputStream out = s.getOutputStream();
    out.write("GET /a HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));

    boolean closed = false;
    for (int i = 0; i < 100 && !closed; i++) {
      try {
        out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.ISO_8859_1));
      } catch (IOException e) {
        closed = true;
        break;
      }
      closed = closedWithin(s, Duration.ofMillis(100));
    }

    assertThat(closed).isTrue();
  }

  @Test
  void aSlowButTimelyRequestIsServedAndItsConnectionKeptWhileBusy() throws Exception {
    // the origin takes longer than both deadlines: a request in progress is not cut
    origin.route(
        "/slow",
        req ->
            vertx.setTimer(
                1200, t -> req.response().putHeader("Cache-Control", "max-age=60").end("s")));
    start(config(limits(100, 10, 700, 700)));
    Socket s = connect("127.0.0.1");
    OutputStream out = s.getOutputStream();
    out.write("GET /slow HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Thread.sleep(200); // the head comes in two parts, well within the deadline
    out.write("Host: www.cdn.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    String answer = new String(in.readNBytes(15), StandardCharsets.ISO_8859_1);

    assertThat(answer).isEqualTo("HTTP/1.1 200 OK");
    assertThat(edge.connections().timedOutConnections()).isZero();
  }
}
