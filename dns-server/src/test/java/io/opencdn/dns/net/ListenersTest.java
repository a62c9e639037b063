package io.opencdn.dns.net;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.wire.DnsHandler;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Framing and failure containment of the UDP (both kinds) and TCP listeners, with a handler that
 * echoes in reverse.
 */
class ListenersTest {

  private Vertx vertx;
  private final DnsHandler reverse =
      (q, src, t) -> {
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

  /** A UDP listener of each kind, and what to do once it is closed. */
  private record Udp(DatagramListener listener, AutoCloseable after) {}

  private static final boolean LINUX = System.getProperty("os.name").startsWith("Linux");

  /** The Netty channel everywhere, the recvmmsg listener on Linux (the only system it is for). */
  static java.util.stream.Stream<String> udpKinds() {
    return LINUX
        ? java.util.stream.Stream.of("netty", "recvmmsg")
        : java.util.stream.Stream.of("netty");
  }

  private static MmsgUdpListener mmsg(DnsHandler handler, boolean reusePort) {
    assertThat(MmsgUdpListener.available())
        .as("recvmmsg listener on Linux: %s", MmsgUdpListener.unavailableReason())
        .isTrue();
    return new MmsgUdpListener(handler, reusePort);
  }

  private static Udp udp(String kind, DnsHandler handler, boolean reusePort) {
    if (kind.equals("recvmmsg")) {
      return new Udp(mmsg(handler, reusePort), () -> {});
    }
    io.netty.channel.EventLoopGroup loops = UdpListener.group(1);
    return new Udp(
        new UdpListener(loops, handler, reusePort),
        () -> loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync());
  }

  @ParameterizedTest
  @MethodSource("udpKinds")
  void udpSurvivesAThrowingHandlerAndDropsNull(String kind) throws Exception {
    Udp u = udp(kind, reverse, false);
    int port = await(u.listener().listen("127.0.0.1", 0));
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(300);
      for (String msg : new String[] {"X", "D"}) {
        s.send(new DatagramPacket(msg.getBytes(), 1, InetAddress.getLoopbackAddress(), port));
      }
      DatagramPacket in = new DatagramPacket(new byte[100], 100);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.receive(in))
          .isInstanceOf(SocketTimeoutException.class);
      s.setSoTimeout(5000);
      s.send(new DatagramPacket("abc".getBytes(), 3, InetAddress.getLoopbackAddress(), port));
      s.receive(in);
      assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("cba");
      // back to back, most likely read and answered as one burst: the throwing message costs
      // only its own answer
      java.util.Set<String> got = new java.util.HashSet<>();
      for (String msg : new String[] {"X1", "abc", "D", "xyz", "X2"}) {
        s.send(
            new DatagramPacket(
                msg.getBytes(), msg.length(), InetAddress.getLoopbackAddress(), port));
      }
      for (int i = 0; i < 2; i++) {
        s.receive(in);
        got.add(new String(in.getData(), 0, in.getLength()));
      }
      assertThat(got).containsExactlyInAnyOrder("cba", "zyx");
    }
    await(u.listener().close());
    u.after().close();
  }

  @ParameterizedTest
  @MethodSource("udpKinds")
  void udpAnswersEachOfManyClientsAtItsOwnAddressAndCutsLongQueries(String kind) throws Exception {
    java.util.Map<String, InetAddress> seen = new java.util.concurrent.ConcurrentHashMap<>();
    DnsHandler handler =
        (q, src, t) -> {
          String text =
              new String(q, 0, Math.min(q.length, 16), java.nio.charset.StandardCharsets.US_ASCII)
                  .trim();
          seen.put(text, src);
          return (text + " " + q.length + " " + t)
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        };
    for (String host : java.util.List.of("127.0.0.1", "::1")) {
      Udp u = udp(kind, handler, false);
      InetAddress address = InetAddress.getByName(host);
      int port = await(u.listener().listen(host, 0));
      // more clients than one receive call takes, all sending before any reads: every answer
      // goes to the socket that asked
      java.util.List<DatagramSocket> clients = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 2 * MmsgUdpListener.BATCH + 3; i++) {
          // IPv4 clients on three loopback addresses, in turn: each query is handed its own sender
          InetAddress from =
              host.equals("::1") ? address : InetAddress.getByName("127.0.0." + (1 + i % 3));
          DatagramSocket c = new DatagramSocket(0, from);
          c.setSoTimeout(5000);
          clients.add(c);
          byte[] msg =
              String.format("q%-15d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
          c.send(new DatagramPacket(msg, msg.length, address, port));
        }
        for (int i = 0; i < clients.size(); i++) {
          DatagramPacket in = new DatagramPacket(new byte[100], 100);
          clients.get(i).receive(in);
          assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("q" + i + " 16 UDP");
          assertThat(in.getPort()).isEqualTo(port);
          assertThat(seen.get("q" + i))
              .as("source of q%d", i)
              .isEqualTo(clients.get(i).getLocalAddress());
        }
        // longer than any query: cut to MAX_QUERY bytes, still answered (a DNS handler says
        // FORMERR)
        byte[] big = new byte[6000];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = 'L';
        clients.get(0).send(new DatagramPacket(big, big.length, address, port));
        DatagramPacket in = new DatagramPacket(new byte[100], 100);
        clients.get(0).receive(in);
        assertThat(new String(in.getData(), 0, in.getLength()))
            .isEqualTo("L " + UdpListener.MAX_QUERY + " UDP");
      } finally {
        clients.forEach(DatagramSocket::close);
      }
      await(u.listener().close());
      u.after().close();
    }
  }

  @ParameterizedTest
  @MethodSource("udpKinds")
  void udpCloseStopsAnsweringAndFreesThePort(String kind) throws Exception {
    Udp u = udp(kind, reverse, false);
    int port = await(u.listener().listen("127.0.0.1", 0));
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(5000);
      s.send(new DatagramPacket("ab".getBytes(), 2, InetAddress.getLoopbackAddress(), port));
      DatagramPacket in = new DatagramPacket(new byte[100], 100);
      s.receive(in);
      assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("ba");
    }
    await(u.listener().close());
    assertThat(await(u.listener().close())).as("closing twice").isNull();
    u.after().close();
    try (DatagramSocket again = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).as("the port is free once closed").isEqualTo(port);
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("dns-udp-127.0.0.1:" + port));
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void recvmmsgOnAWildcardAddressAnswersFromTheAddressAsked() throws Exception {
    boolean dualStack =
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv6/bindv6only"))
            .trim()
            .equals("0");
    java.util.Map<String, java.util.List<String>> asked = new java.util.LinkedHashMap<>();
    asked.put("0.0.0.0", java.util.List.of("127.0.0.1", "127.0.0.2", "127.0.0.3"));
    // an IPv6 wildcard socket takes IPv4 too (IPv4-mapped) unless the system says IPv6 only
    asked.put(
        "::",
        dualStack ? java.util.List.of("::1", "127.0.0.2", "127.0.0.3") : java.util.List.of("::1"));
    for (var e : asked.entrySet()) {
      MmsgUdpListener any = mmsg(reverse, false);
      int port = await(any.listen(e.getKey(), 0));
      for (String to : e.getValue()) {
        InetAddress target = InetAddress.getByName(to);
        InetAddress from =
            target instanceof java.net.Inet4Address ? InetAddress.getByName("127.0.0.1") : target;
        try (DatagramSocket c = new DatagramSocket(0, from)) {
          c.setSoTimeout(5000);
          // a connected socket takes datagrams from its peer only: a response from another of
          // the host's addresses (the kernel's choice for the client's address) never arrives
          c.connect(target, port);
          c.send(new DatagramPacket("ab".getBytes(), 2));
          DatagramPacket in = new DatagramPacket(new byte[100], 100);
          c.receive(in);
          assertThat(in.getAddress()).as("%s asked through %s", to, e.getKey()).isEqualTo(target);
          assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("ba");
        }
      }
      await(any.close());
    }
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void recvmmsgSendsWithDontFragmentAndCutsAResponseTheInterfaceRefuses() throws Exception {
    org.xbill.DNS.Record question =
        org.xbill.DNS.Record.newRecord(
            org.xbill.DNS.Name.fromString("big.test."),
            org.xbill.DNS.Type.A,
            org.xbill.DNS.DClass.IN);
    org.xbill.DNS.Message query = org.xbill.DNS.Message.newQuery(question);
    org.xbill.DNS.Message big = new org.xbill.DNS.Message(query.getHeader().getID());
    big.getHeader().setFlag(org.xbill.DNS.Flags.QR);
    big.addRecord(question, org.xbill.DNS.Section.QUESTION);
    for (int i = 1; i <= 60; i++) {
      big.addRecord(
          new org.xbill.DNS.ARecord(
              question.getName(),
              org.xbill.DNS.DClass.IN,
              60,
              InetAddress.getByName("192.0.2." + i)),
          org.xbill.DNS.Section.ANSWER);
    }
    byte[] bigWire = big.toWire();
    assertThat(bigWire.length).isGreaterThan(900);
    java.util.List<Integer> pmtu = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<Long> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
    // the loopback's MTU is 64 KB: an interface of 600 bytes is played by refusing longer datagrams
    // as the kernel does when Don't Fragment is set (EMSGSIZE)
    MmsgUdpListener.Sender smallMtu =
        (fd, messages, count) -> {
          com.sun.jna.Memory value = new com.sun.jna.Memory(8);
          value.setInt(4, 4);
          Libc.getsockopt(
              fd,
              Libc.IPPROTO_IP,
              Libc.IP_MTU_DISCOVER,
              com.sun.jna.Pointer.nativeValue(value),
              com.sun.jna.Pointer.nativeValue(value) + 4);
          pmtu.add(value.getInt(0));
          com.sun.jna.Pointer iov =
              new com.sun.jna.Pointer(new com.sun.jna.Pointer(messages).getLong(16));
          long length = iov.getLong(8);
          if (length > 600) {
            refused.add(length);
            throw new com.sun.jna.LastErrorException(Libc.EMSGSIZE);
          }
          return Libc.sendmmsg(fd, messages, count, Libc.MSG_DONTWAIT);
        };
    MmsgUdpListener l =
        new MmsgUdpListener(
            (q, src, t) -> q.length > 2 ? bigWire : new byte[] {'o', 'k'}, false, smallMtu);
    int port = await(l.listen("127.0.0.1", 0));
    try (DatagramSocket c = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      c.setSoTimeout(5000);
      c.send(
          new DatagramPacket(
              query.toWire(), query.toWire().length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket in = new DatagramPacket(new byte[4096], 4096);
      c.receive(in);
      org.xbill.DNS.Message cut =
          new org.xbill.DNS.Message(java.util.Arrays.copyOf(in.getData(), in.getLength()));
      assertThat(in.getLength()).isLessThanOrEqualTo(MmsgUdpListener.TRUNCATED);
      assertThat(cut.getHeader().getFlag(org.xbill.DNS.Flags.TC)).isTrue();
      assertThat(cut.getHeader().getID()).isEqualTo(query.getHeader().getID());
      assertThat(cut.getQuestion()).isEqualTo(question);
      assertThat(refused).containsExactly((long) bigWire.length);
      // a short response goes as it is
      c.send(new DatagramPacket(new byte[] {'h', 'i'}, 2, InetAddress.getLoopbackAddress(), port));
      c.receive(in);
      assertThat(new String(in.getData(), 0, in.getLength())).isEqualTo("ok");
    }
    assertThat(pmtu).isNotEmpty().allMatch(v -> v == Libc.IP_PMTUDISC_PROBE);
    assertThat(l.droppedWrites()).isZero();
    await(l.close());
  }

  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void recvmmsgListenersShareAPortWithReusePortAndRefuseATakenOne() throws Exception {
    MmsgUdpListener a = mmsg(reverse, true);
    MmsgUdpListener b = mmsg(reverse, true);
    int port = await(a.listen("127.0.0.1", 0));
    assertThat(await(b.listen("127.0.0.1", port))).isEqualTo(port);
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      MmsgUdpListener c = mmsg(reverse, false);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> await(c.listen("127.0.0.1", taken.getLocalPort())))
          .hasCauseInstanceOf(java.net.BindException.class);
      await(c.close());
    }
    await(a.close());
    await(b.close());
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
