package io.opencdn.dns.net;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.TestSupport;
import io.opencdn.dns.wire.DnsHandler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Listeners} (several UDP sockets with SO_REUSEPORT on a native transport, several TCP
 * servers on one port) and the TCP connection cap of {@link TcpListener}.
 */
class MultiListenerTest {

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final DnsHandler echo =
      (q, src, t) -> {
        threads.add(Thread.currentThread().getName());
        return q;
      };

  @AfterEach
  void tearDown() throws Exception {
    await(vertx.close());
  }

  @Test
  void severalEventLoopsShareOnePort() throws Exception {
    Listeners listeners = new Listeners(vertx, echo, 2, 10, 100);
    int port = await(listeners.listen("127.0.0.1", 0));
    assertThat(listeners.udpSockets()).isEqualTo(UdpListener.nativeTransport() ? 2 : 1);
    assertThat(listeners.udpIo())
        .as("blocking recvmmsg threads on Linux")
        .isEqualTo(
            MmsgUdpListener.available()
                ? "recvmmsg"
                : UdpListener.nativeTransport() ? "netty-epoll" : "netty-nio");
    assertThat(listeners.tcpServers()).isEqualTo(2);
    // many UDP clients (different source ports hash to different sockets) are all answered
    for (int i = 0; i < 16; i++) {
      try (DatagramSocket s = new DatagramSocket()) {
        s.setSoTimeout(3000);
        byte[] msg = ("hello-" + i).getBytes();
        s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket in = new DatagramPacket(new byte[100], 100);
        s.receive(in);
        assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("hello-" + i);
      }
    }
    // TCP connections are spread over the servers' event loops
    for (int i = 0; i < 8; i++) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        s.setSoTimeout(3000);
        new DataOutputStream(s.getOutputStream()).write(new byte[] {0, 2, 'o', 'k'});
        DataInputStream in = new DataInputStream(s.getInputStream());
        assertThat(in.readUnsignedShort()).isEqualTo(2);
      }
    }
    assertThat(threads.size()).as("event loop threads used: %s", threads).isGreaterThanOrEqualTo(2);
    await(listeners.close());
  }

  @Test
  void eachAddressFamilyGetsItsOwnSocketsAndAnswers() throws Exception {
    for (boolean mmsg : MmsgUdpListener.available() ? List.of(true, false) : List.of(false)) {
      for (String host : List.of("127.0.0.1", "::1")) {
        Listeners listeners = new Listeners(vertx, echo, 2, 10, 100, mmsg);
        int port = await(listeners.listen(host, 0));
        try (DatagramSocket s = new DatagramSocket()) {
          s.setSoTimeout(3000);
          byte[] msg = ("hello " + host).getBytes();
          s.send(new DatagramPacket(msg, msg.length, InetAddress.getByName(host), port));
          DatagramPacket in = new DatagramPacket(new byte[100], 100);
          s.receive(in);
          assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("hello " + host);
        }
        java.nio.file.Path v4 = java.nio.file.Path.of("/proc/net/udp");
        if (java.nio.file.Files.isReadable(v4)) {
          // Linux: an IPv4 address is served by IPv4 sockets, not dual-stack IPv6 ones (and the
          // reverse)
          String hexPort = String.format(":%04X ", port);
          boolean inV4 = java.nio.file.Files.readString(v4).contains(hexPort);
          boolean inV6 =
              java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/udp6"))
                  .contains(hexPort);
          assertThat(inV4).as("port %d in /proc/net/udp", port).isEqualTo(host.equals("127.0.0.1"));
          assertThat(inV6).as("port %d in /proc/net/udp6", port).isEqualTo(host.equals("::1"));
        }
        await(listeners.close());
      }
    }
  }

  /**
   * A UDP socket that can be bound once, failing the first bind of all (as a port taken meanwhile
   * would).
   */
  private static final class OnceSocket implements DatagramListener {
    private final boolean fail;
    private java.nio.channels.DatagramChannel channel;
    private int listens;

    OnceSocket(boolean fail) {
      this.fail = fail;
    }

    @Override
    public io.vertx.core.Future<Integer> listen(String host, int port) {
      if (++listens > 1) {
        return io.vertx.core.Future.failedFuture(
            new IllegalStateException("listen is called once"));
      }
      if (fail) {
        return io.vertx.core.Future.failedFuture(new java.net.BindException("taken"));
      }
      try {
        channel =
            java.nio.channels.DatagramChannel.open()
                .bind(new java.net.InetSocketAddress(host, port));
        return io.vertx.core.Future.succeededFuture(
            ((java.net.InetSocketAddress) channel.getLocalAddress()).getPort());
      } catch (java.io.IOException e) {
        return io.vertx.core.Future.failedFuture(e);
      }
    }

    @Override
    public long droppedWrites() {
      return 0;
    }

    @Override
    public io.vertx.core.Future<Void> close() {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (java.io.IOException e) {
        return io.vertx.core.Future.failedFuture(e);
      }
      return io.vertx.core.Future.succeededFuture();
    }
  }

  @Test
  void aRetriedListenOnPortZeroTakesFreshUdpSockets() throws Exception {
    List<OnceSocket> made = new ArrayList<>();
    Listeners listeners =
        new Listeners(
            vertx,
            echo,
            () -> {
              OnceSocket s = new OnceSocket(made.isEmpty());
              made.add(s);
              return s;
            });
    int port = await(listeners.listen("127.0.0.1", 0));
    assertThat(made).hasSize(2);
    assertThat(made.get(1).listens).isEqualTo(1);
    assertThat(((java.net.InetSocketAddress) made.get(1).channel.getLocalAddress()).getPort())
        .isEqualTo(port);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      assertThat(s.isConnected()).as("TCP on the UDP socket's port").isTrue();
    }
    await(listeners.close());
  }

  @Test
  void connectionsBeyondTheCapAreClosedAndSlotsAreFreedOnClose() throws Exception {
    TcpListener tcp =
        new TcpListener(vertx, echo, 10, 2, new java.util.concurrent.atomic.AtomicInteger());
    int port = await(tcp.listen("127.0.0.1", 0));
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
      held.add(s);
    }
    assertThat(TestSupport.eventually(3000, () -> tcp.openConnections() == 2)).isTrue();
    try (Socket third = new Socket(InetAddress.getLoopbackAddress(), port)) {
      third.setSoTimeout(3000);
      assertThat(third.getInputStream().read())
          .as("third connection closed by the server")
          .isEqualTo(-1);
    }
    held.get(0).close();
    assertThat(TestSupport.eventually(3000, () -> tcp.openConnections() == 1)).isTrue();
    try (Socket again = new Socket(InetAddress.getLoopbackAddress(), port)) {
      again.setSoTimeout(3000);
      new DataOutputStream(again.getOutputStream())
          .write(new byte[] {0, 2, 'o', 'k', 0, 2, 'h', 'i'});
      DataInputStream in = new DataInputStream(again.getInputStream());
      byte[] both = new byte[8];
      in.readFully(both);
      assertThat(new String(both, 2, 2) + new String(both, 6, 2))
          .as("pipelined, in order")
          .isEqualTo("okhi");
    }
    for (Socket s : held) {
      s.close();
    }
  }
}
