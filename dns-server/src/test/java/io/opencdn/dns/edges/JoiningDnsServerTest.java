package io.opencdn.dns.edges;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.DnsServer;
import io.opencdn.dns.JoiningServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server whose cluster member is still joining ({@link DnsServer#joining}): it answers its
 * static zones at once, has no cluster edges yet and says "not ready" on {@code /healthz}; once the
 * member has joined it routes the geo name to the registered edge and is ready.
 */
class JoiningDnsServerTest {

  static final String TOKEN = "joining-test-token-0123456789";

  private final HttpClient http = HttpClient.newHttpClient();
  private JoiningServer dns;
  private DnsServer server;

  @AfterEach
  void stop() {
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void staticZonesAreAnsweredWhileJoiningAndTheGeoNameOnceJoined() throws Exception {
    dns =
        new JoiningServer(
            "joining-test",
            """
            listen: 127.0.0.1:0
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
            health: {intervalMillis: 100, timeoutMillis: 300, fall: 2, rise: 2}
            admin: {listen: 127.0.0.1:0, token: %s}
            """
                .formatted(TOKEN));
    server = dns.server();
    int port = dns.port();

    Message soa = udp(port, query("cdn.test.", Type.SOA, null));
    assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(section(soa, Section.ANSWER)).hasSize(1);
    Message geo = udp(port, query("www.cdn.test.", Type.A, "81.2.69.0/24"));
    assertThat(geo.getRcode()).as("no edge known before joining").isEqualTo(Rcode.SERVFAIL);
    assertThat(server.ready()).isFalse();
    assertThat(healthz()).isEqualTo("503 not ready: joining the cluster");

    dns.startMember();
    int edgePort = dns.healthy("127.0.0.1");
    dns.edges().put("local", dns.edge("local", "127.0.0.1", edgePort));
    dns.completeJoin();

    assertThat(
            eventually(
                10_000,
                () ->
                    section(
                            udp(port, query("www.cdn.test.", Type.A, "81.2.69.0/24")),
                            Section.ANSWER)
                        .equals(List.of("www.cdn.test. 20 IN A 127.0.0.1"))))
        .as("routed once joined")
        .isTrue();
    assertThat(server.ready()).isTrue();
    assertThat(healthz()).isEqualTo("200 ok");
  }

  private String healthz() throws Exception {
    int admin = server.operations().adminPort();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/healthz")).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() + " " + r.body().strip();
  }

  private static Message udp(int port, Message query) {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(3000);
      byte[] q = query.toWire();
      s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), port));
      DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
      s.receive(in);
      return parse(java.util.Arrays.copyOf(in.getData(), in.getLength()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
