package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.withDemoEdges;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.testing.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server with static edges (a signing one, and one without DNSSEC) answers its geo-routed name
 * from the first query its listener takes: the edges of the config are known before it listens, so
 * no early query (a resolver's, a load generator's started on the first SOA answer) gets SERVFAIL,
 * with DO or without. Queries are sent over UDP from before the listener is bound until the server
 * has started; every answer they get is checked.
 */
class StaticEdgesAtStartTest {

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private DnsServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.stop(), Duration.ofSeconds(30));
    }
    await(vertx.close(), Duration.ofSeconds(30));
  }

  @Test
  void aSigningServerAnswersTheGeoNameFromItsFirstQuery() throws Exception {
    firstAnswersAreRouted("dnssec: {keyDirectory: keys}\n");
  }

  @Test
  void aServerWithoutDnssecAnswersTheGeoNameFromItsFirstQuery() throws Exception {
    firstAnswersAreRouted("");
  }

  private void firstAnswersAreRouted(String dnssec) throws Exception {
    int port = Ports.free(); // known before the server listens: queried from before it binds
    String yaml =
        "listen: 127.0.0.1:"
            + port
            + "\nzones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n"
            + "routing: [{name: www.cdn.test.}]\nrrl: {enabled: false}\n"
            + dnssec;
    Path config = dir.resolve("dns.yaml");
    Files.writeString(config, yaml);
    server =
        new DnsServer(
            vertx,
            withDemoEdges(ConfigLoader.parse(yaml, config.toString(), DnsConfig.class)),
            config.toString(),
            null,
            Clock.systemUTC());
    Future<Integer> started = server.start();
    List<String> answers = new ArrayList<>();
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(20);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int sent = 0;
      while (!(started.isComplete() && answers.size() >= 20) && System.nanoTime() < deadline) {
        boolean dnssecOk = sent++ % 2 == 1;
        byte[] q = query(dnssecOk);
        s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
        DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        try {
          s.receive(in);
        } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
          continue; // not listening yet
        }
        Message m = new Message(Arrays.copyOf(in.getData(), in.getLength()));
        boolean signed = m.getOPT() != null && (m.getOPT().getFlags() & ExtendedFlags.DO) != 0;
        answers.add((signed ? "DO=1 " : "DO=0 ") + Rcode.string(m.getRcode()));
      }
    }
    assertThat(await(started, Duration.ofSeconds(30))).isEqualTo(port);
    assertThat(answers).isNotEmpty().allMatch(a -> a.endsWith("NOERROR"));
  }

  private static byte[] query(boolean dnssecOk) {
    Message q =
        Message.newQuery(
            Record.newRecord(Name.fromConstantString("www.cdn.test."), Type.A, DClass.IN));
    q.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            dnssecOk ? ExtendedFlags.DO : 0,
            List.of(new ClientSubnetOption(24, ipOf("81.2.69.0")))),
        Section.ADDITIONAL);
    return q.toWire();
  }

  private static InetAddress ipOf(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
