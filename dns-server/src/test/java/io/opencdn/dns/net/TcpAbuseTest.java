package io.opencdn.dns.net;

import static io.opencdn.dns.TestSupport.eventually;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.config.TcpConfig;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DNS over TCP under abuse, on real sockets: one client address cannot hold every connection, and a
 * client that pipelines queries without reading the answers stops being read (the server's memory
 * for it stays bounded) and is closed once idle.
 */
class TcpAbuseTest {

  final Vertx vertx = Vertx.vertx();
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    await(vertx.close());
  }

  Socket connect(String local, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
    sockets.add(s);
    return s;
  }

  static String echo(Socket s, String text) throws IOException {
    s.setSoTimeout(3000);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeShort(text.length());
    out.writeBytes(text);
    out.flush();
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] b = new byte[in.readUnsignedShort()];
    in.readFully(b);
    return new String(b);
  }

  @Test
  void oneClientAddressCannotHoldEverySlot() throws Exception {
    DnsHandler echo = (q, source, t) -> q;
    TcpListener tcp = new TcpListener(vertx, echo, new TcpConfig(5, 2, 10, null), null);
    int port = await(tcp.listen("127.0.0.1", 0));
    Socket a = connect("127.0.0.1", port);
    Socket b = connect("127.0.0.1", port);
    assertThat(eventually(3000, () -> tcp.openConnections() == 2)).isTrue();

    Socket third = connect("127.0.0.1", port);
    third.setSoTimeout(3000);

    assertThat(third.getInputStream().read())
        .as("third connection from one address closed")
        .isEqualTo(-1);
    assertThat(echo(connect("127.0.0.2", port), "other"))
        .as("another address gets a slot")
        .isEqualTo("other");
    assertThat(echo(a, "a")).isEqualTo("a");
    assertThat(echo(b, "b")).isEqualTo("b");
    assertThat(tcp.refusedConnections()).isEqualTo(1);
    a.close();
    assertThat(eventually(3000, () -> tcp.openConnections() == 2)).isTrue();
    assertThat(echo(connect("127.0.0.1", port), "again")).isEqualTo("again");
    await(tcp.close());
  }

  @Test
  void aClientThatPipelinesAndNeverReadsStopsBeingReadAndIsClosedWhenIdle() throws Exception {
    int responseBytes = 1000;
    AtomicLong answered = new AtomicLong();
    DnsHandler big =
        (q, source, t) -> {
          answered.incrementAndGet();
          return new byte[responseBytes];
        };
    TcpListener tcp = new TcpListener(vertx, big, new TcpConfig(10, 10, 1, 16_384), null);
    int port = await(tcp.listen("127.0.0.1", 0));
    ByteBuffer queries = ByteBuffer.allocate(64 * 1024);
    while (queries.remaining() >= 19) {
      queries.putShort((short) 17).put(new byte[17]);
    }
    long written = 0;
    boolean stalled = false;
    try (SocketChannel ch = SocketChannel.open()) {
      ch.socket().setReceiveBufferSize(4096);
      ch.socket().setSendBufferSize(16_384);
      ch.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      ch.configureBlocking(false);
      long idleSince = System.nanoTime();
      // write queries, never read: until no write succeeds for 500 ms (the kernel's loopback
      // buffers take a few MB first), or 30 MB (1.6 million queries)
      while (written < 30_000_000) {
        queries.flip();
        int n;
        try {
          n = ch.write(queries);
        } catch (IOException e) {
          stalled = true; // reset: the server, no longer reading, closed the idle connection
          break;
        }
        queries.compact();
        if (n > 0) {
          written += n;
          idleSince = System.nanoTime();
          while (queries.remaining() >= 19) {
            queries.putShort((short) 17).put(new byte[17]);
          }
        } else if (System.nanoTime() - idleSince > TimeUnit.MILLISECONDS.toNanos(500)) {
          stalled = true;
          break;
        } else {
          Thread.onSpinWait();
        }
      }
      long sent = written / 19;

      assertThat(stalled)
          .as("the server stopped reading (writes blocked, or the connection closed)")
          .isTrue();
      // answered: what the kernel buffers (socket buffers of a few MB on loopback) plus 16 KiB
      // queued in the server, far from every query sent
      assertThat(answered.get()).isLessThan(sent / 2).isLessThan(10_000);
      assertThat(eventually(10_000, () -> tcp.openConnections() == 0))
          .as("closed once idle")
          .isTrue();
    }
    await(tcp.close());
  }
}
