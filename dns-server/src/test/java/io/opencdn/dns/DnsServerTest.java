package io.opencdn.dns;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.wire.Transport;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A started server on real UDP and TCP sockets, its edges static ones from the config. */
class DnsServerTest {

  private Vertx vertx;
  private DnsServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        new DnsServer(vertx, withDemoEdges(testConfig()), TEST_CONFIG, null, Clock.systemUTC());
    port = await(server.start());
  }

  @AfterEach
  void stop() throws Exception {
    await(server.stop());
    await(vertx.close());
  }

  private Message udp(DatagramSocket socket, byte[] wire) throws Exception {
    return udp(socket, port, wire);
  }

  private static Message udp(DatagramSocket socket, int port, byte[] wire) throws Exception {
    socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    socket.receive(in);
    return parse(java.util.Arrays.copyOf(buf, in.getLength()));
  }

  @Test
  void answersOverUdpWithClientSubnet() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      Message r = udp(socket, query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire());
      assertThat(section(r, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.12");
      assertThat(ecs(r).getScopePrefixLength()).isPositive();
    }
  }

  @Test
  void garbageDatagramDoesNotBreakTheListener() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      byte[] junk = {1, 2, 3};
      socket.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
      byte[] garbage = new byte[40];
      new java.util.Random(7).nextBytes(garbage);
      garbage[2] = 0;
      Message formErr = udp(socket, garbage);
      assertThat(formErr.getRcode()).isEqualTo(Rcode.FORMERR);
      Message r = udp(socket, query("www.cdn.test.", Type.A, "1.0.16.0/24").toWire());
      assertThat(section(r, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.13");
    }
    assertThat(server.handler().dropped()).isEqualTo(1);
  }

  @Test
  void udpTruncatesAndTcpCarriesTheWholeAnswerWithPipelining() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      Message r = udp(socket, query("txt.big.test.", Type.TXT, null).toWire());
      assertThat(r.getHeader().getFlag(Flags.TC)).isTrue();
    }
    try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port)) {
      tcp.setSoTimeout(5000);
      DataOutputStream out = new DataOutputStream(tcp.getOutputStream());
      byte[] big = query("txt.big.test.", Type.TXT, null).toWire();
      Message second = query("www.cdn.test.", Type.A, "8.8.8.0/24");
      second.getHeader().setID(7);
      byte[] small = second.toWire();
      byte[] both = new byte[4 + big.length + small.length];
      java.nio.ByteBuffer.wrap(both)
          .putShort((short) big.length)
          .put(big)
          .putShort((short) small.length)
          .put(small);
      out.write(both, 0, 5);
      out.flush();
      out.write(both, 5, both.length - 5);
      out.flush();
      DataInputStream in = new DataInputStream(tcp.getInputStream());
      byte[] first = new byte[in.readUnsignedShort()];
      in.readFully(first);
      Message whole = parse(first);
      assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
      assertThat(whole.getSection(Section.ANSWER)).hasSize(40);
      byte[] next = new byte[in.readUnsignedShort()];
      in.readFully(next);
      Message r2 = parse(next);
      assertThat(r2.getHeader().getID()).isEqualTo(7);
      assertThat(section(r2, Section.ANSWER)).containsExactly("www.cdn.test. 20 IN A 127.0.0.11");
    }
  }

  @Test
  void aTakenPortFailsTheStart() throws Exception {
    DnsConfig cfg = testConfig().withListen(new Endpoint("127.0.0.1", port));
    DnsServer second = new DnsServer(vertx, cfg, TEST_CONFIG, null, Clock.systemUTC());
    assertThat(io.opencdn.testing.Await.failure(second.start())).hasMessageContaining("ddress");
  }

  @Test
  void configuredThreadsEachServeTheirOwnSockets() throws Exception {
    DnsServer three =
        new DnsServer(
            vertx,
            withDemoEdges(testConfig()).withThreads(3),
            TEST_CONFIG,
            null,
            Clock.systemUTC());
    int p = await(three.start());
    try {
      assertThat(three.listeners().udpSockets())
          .isEqualTo(io.opencdn.dns.net.UdpListener.nativeTransport() ? 3 : 1);
      assertThat(three.listeners().tcpServers()).isEqualTo(3);
      // clients on many source ports (hashed over the sockets) are all answered
      for (int i = 0; i < 12; i++) {
        try (DatagramSocket socket = new DatagramSocket()) {
          socket.setSoTimeout(5000);
          Message r = udp(socket, p, query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire());
          assertThat(section(r, Section.ANSWER))
              .containsExactly("www.cdn.test. 20 IN A 127.0.0.12");
        }
      }
    } finally {
      await(three.stop());
    }
  }

  @Test
  void udpResponsesDroppedOnAFullSendBufferReachTheMetrics() {
    assertThat(server.operations().metrics().scrape()).contains("dns_udp_dropped_writes_total 0.0");
  }

  @Test
  void rateLimitingFollowsTheServersClock() throws Exception {
    TestClock clock = new TestClock();
    DnsServer limited =
        new DnsServer(
            vertx, testConfig(), TEST_CONFIG, null, clock); // rrl on: 20 responses/s per /24
    byte[] q = query("cdn.test.", Type.SOA, null).toWire();
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(limited.handler().handle(q, ip("198.51.100.7"), Transport.UDP)).isNotNull();
      }
      assertThat(limited.handler().handle(q, ip("198.51.100.7"), Transport.UDP))
          .as("21st: dropped")
          .isNull();
      clock.advance(1000);
      assertThat(limited.handler().handle(q, ip("198.51.100.7"), Transport.UDP))
          .as("a second later")
          .isNotNull();
    } finally {
      await(limited.stop());
    }
  }

  @Test
  void withoutClusterRoutedNamesAreServfail() throws Exception {
    DnsConfig cfg = testConfig();
    DnsServer plain =
        new DnsServer(vertx, cfg.withCityDatabase(""), TEST_CONFIG, null, Clock.systemUTC());
    int p = await(plain.start());
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5000);
      assertThat(udp(socket, p, query("www.cdn.test.", Type.A, null).toWire()).getRcode())
          .isEqualTo(Rcode.SERVFAIL);
    } finally {
      await(plain.stop());
    }
  }
}
