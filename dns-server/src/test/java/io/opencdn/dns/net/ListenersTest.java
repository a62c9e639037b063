package io.opencdn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Framing and failure containment of both listeners, with a handler that echoes in reverse. */
class ListenersTest {

  private Vertx vertx;
  private final DnsHandler reverse = (q, src, t) -> {
    if (q[0] == 'X') {
      throw new IllegalStateException("boom");
    }
    if (q[0] == 'D') {
      return null;
    }
    byte[] out = new byte[q.length];
    for (int i = 0; i < q.length; i++) {
      out[i] = q[q.length - 1 - i];
    }
    return out;
  };

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void udpSurvivesAThrowingHandlerAndDropsNull() throws Exception {
    io.netty.channel.EventLoopGroup loops = UdpListener.group(1);
    UdpListener udp = new UdpListener(loops, reverse, false);
    int port = await(udp.listen("127.0.0.1", 0));
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(300);
      for (String msg : new String[] {"X", "D"}) {
        s.send(new DatagramPacket(msg.getBytes(), 1, InetAddress.getLoopbackAddress(), port));
      }
      DatagramPacket in = new DatagramPacket(new byte[100], 100);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.receive(in)).isInstanceOf(SocketTimeoutException.class);
      s.setSoTimeout(5000);
      s.send(new DatagramPacket("abc".getBytes(), 3, InetAddress.getLoopbackAddress(), port));
      s.receive(in);
      assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("cba");
      // back to back, most likely read and answered as one burst: the throwing message costs
      // only its own answer
      java.util.Set<String> got = new java.util.HashSet<>();
      for (String msg : new String[] {"X1", "abc", "D", "xyz", "X2"}) {
        s.send(new DatagramPacket(msg.getBytes(), msg.length(), InetAddress.getLoopbackAddress(), port));
      }
      for (int i = 0; i < 2; i++) {
        s.receive(in);
        got.add(new String(in.getData(), 0, in.getLength()));
      }
      assertThat(got).containsExactlyInAnyOrder("cba", "zyx");
    }
    await(udp.close());
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void tcpFramesSplitAndPipelinedMessagesAndClosesOnZeroLength() throws Exception {
    TcpListener tcp = new TcpListener(vertx, reverse, 5);
    int port = await(tcp.listen("127.0.0.1", 0));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.write(new byte[] {0});
      out.flush();
      out.write(new byte[] {3, 'a', 'b'});
      out.flush();
      out.write(new byte[] {'c', 0, 2, 'x', 'y'});
      out.flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      assertThat(readFrame(in)).isEqualTo("cba");
      assertThat(readFrame(in)).isEqualTo("yx");
      out.write(new byte[] {0, 0});
      out.flush();
      assertThat(in.read()).as("closed after an empty frame").isEqualTo(-1);
    }
    await(tcp.close());
  }

  @Test
  void tcpClosesAConnectionWhoseHandlerThrows() throws Exception {
    TcpListener tcp = new TcpListener(vertx, reverse, 5);
    int port = await(tcp.listen("127.0.0.1", 0));
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(new byte[] {0, 1, 'X'});
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(new byte[] {0, 2, 'o', 'k'});
      assertThat(readFrame(new DataInputStream(s.getInputStream()))).isEqualTo("ko");
    }
    await(tcp.close());
  }

  private static String readFrame(DataInputStream in) throws Exception {
    byte[] b = new byte[in.readUnsignedShort()];
    in.readFully(b);
    return new String(b);
  }
}
