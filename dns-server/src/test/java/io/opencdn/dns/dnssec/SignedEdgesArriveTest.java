package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.eventually;
import static io.opencdn.dns.TestSupport.ip;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A signing server started before any edge is known, as the demo starts it ({@link
 * DnsServer#joining}, the edges registered later through Hazelcast): while no edge is known a DO
 * query for the geo name gets what the same query without DO gets (SERVFAIL), and once edges
 * arrive, leave and come back, the DO answer names the same edges as the DO=0 answer of the moment
 * and its RRSIG verifies against the served DNSKEY set; over UDP and TCP, with and without Client
 * Subnet.
 */
class SignedEdgesArriveTest {

  private static final Duration SLOW = Duration.ofSeconds(30);
  private static final String GEO = "www.cdn.test.";

  @TempDir Path keys;
  private final Vertx vertx = Vertx.vertx();
  private TestCluster cluster;
  private DnsServer server;
  private int port;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.stop(), SLOW);
    }
    await(vertx.close(), SLOW);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void doAnswersFollowTheEdgesFromNoneToSomeAndBack() throws Exception {
    cluster = TestCluster.builder("signed-edges-test").members(0).spare(1).start();
    int hzPort = cluster.config(0).bind().port();
    String secret = cluster.secret();
    DnsConfig cfg =
        ConfigLoader.parse(
            """
            listen: 127.0.0.1:0
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: 20, answers: 2}]
            rrl: {enabled: false}
            health: {intervalMillis: 100, timeoutMillis: 300, fall: 2, rise: 2}
            cluster: {name: signed-edges-test, secret: %s, bind: 127.0.0.1:%d, members: [127.0.0.1:%d]}
            dnssec: {keyDirectory: %s}
            """
                .formatted(secret, hzPort, hzPort, keys.toAbsolutePath()),
            "signed-edges-dns.yaml",
            DnsConfig.class);
    Promise<HazelcastInstance> member = Promise.promise();
    server =
        DnsServer.joining(
            vertx, cfg, "classpath:demo/dns.yaml", member.future(), Clock.systemUTC());
    port = await(server.start(), SLOW);

    // no edge known: DO=1 gets what DO=0 gets, however often it is asked (a warm-up, a resolver)
    for (int i = 0; i < 20; i++) {
      for (String ecs : new String[] {null, "81.2.69.0/24", "8.8.8.0/24"}) {
        for (boolean tcp : new boolean[] {false, true}) {
          Message plain = ask(GEO, Type.A, false, ecs, tcp);
          Message signed = ask(GEO, Type.A, true, ecs, tcp);
          assertThat(plain.getRcode()).as("no edge yet, DO=0").isEqualTo(Rcode.SERVFAIL);
          assertThat(signed.getRcode()).as("no edge yet, DO=1").isEqualTo(plain.getRcode());
          assertThat(signed.getSection(Section.ANSWER)).isEmpty();
        }
      }
      assertThat(ask(GEO, Type.AAAA, true, null, false).getRcode()).isEqualTo(Rcode.SERVFAIL);
      assertThat(ask("cdn.test.", Type.SOA, true, null, false).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    // healthy edges (their health check answers), so the answer is the known set at every moment
    int portA = healthy("127.0.0.11");
    int portB = healthy("127.0.0.12");
    HazelcastInstance hz = cluster.startMember(0, false);
    String uuid = hz.getCluster().getLocalMember().getUuid().toString();
    RecordMac mac = RecordMac.fromSecret(secret);
    var edges = hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES);
    edges.put("a", edge("a", "127.0.0.11", portA, uuid, mac));
    edges.put("b", edge("b", "127.0.0.12", portB, uuid, mac));
    member.complete(hz);
    expectBoth(Set.of("127.0.0.11", "127.0.0.12"));

    edges.remove("b");
    edges.put("a", edge("a", "127.0.0.11", portA, uuid, mac)); // a fresh heartbeat
    expectBoth(Set.of("127.0.0.11"));

    edges.put("b", edge("b", "127.0.0.12", portB, uuid, mac));
    edges.put("a", edge("a", "127.0.0.11", portA, uuid, mac));
    expectBoth(Set.of("127.0.0.11", "127.0.0.12"));
  }

  /**
   * Waits until the DO=0 answer names {@code addresses}, then asks with DO=1: both read the same
   * edge snapshot, so the signed answer must name the same edges at once, not after a while.
   */
  private void expectBoth(Set<String> addresses) throws Exception {
    for (String ecs : new String[] {null, "81.2.69.0/24", "8.8.8.0/24"}) {
      for (boolean tcp : new boolean[] {false, true}) {
        assertThat(
                eventually(
                    15_000, () -> addresses(ask(GEO, Type.A, false, ecs, tcp)).equals(addresses)))
            .as("DO=0 names %s (ecs %s, tcp %s)", addresses, ecs, tcp)
            .isTrue();
        for (int i = 0; i < 3; i++) {
          Message signed = ask(GEO, Type.A, true, ecs, tcp);
          assertThat(signed.getRcode())
              .as("DO=1 rcode once DO=0 names %s (ecs %s, tcp %s)", addresses, ecs, tcp)
              .isEqualTo(Rcode.NOERROR);
          assertThat(addresses(signed))
              .as("DO=1 edges (ecs %s, tcp %s)", ecs, tcp)
              .isEqualTo(addresses);
          assertValid(signed);
        }
      }
    }
  }

  private static Set<String> addresses(Message m) {
    Set<String> out = new TreeSet<>();
    if (m.getRcode() == Rcode.NOERROR) {
      m.getSection(Section.ANSWER).stream()
          .filter(r -> r.getType() == Type.A)
          .forEach(r -> out.add(r.rdataToString()));
    }
    return out;
  }

  /** The answer RRset's RRSIG verifies with a key of the served DNSKEY set. */
  private void assertValid(Message m) throws Exception {
    RRset dnskeys =
        ask("cdn.test.", Type.DNSKEY, true, null, true).getSectionRRsets(Section.ANSWER).stream()
            .filter(s -> s.getType() == Type.DNSKEY)
            .findFirst()
            .orElseThrow();
    List<RRset> sets = m.getSectionRRsets(Section.ANSWER);
    assertThat(sets).singleElement().satisfies(s -> assertThat(s.sigs()).isNotEmpty());
    for (RRSIGRecord sig : sets.get(0).sigs()) {
      DNSKEYRecord key =
          (DNSKEYRecord)
              dnskeys.rrs(false).stream()
                  .filter(k -> ((DNSKEYRecord) k).getFootprint() == sig.getFootprint())
                  .findFirst()
                  .orElseThrow();
      DNSSEC.verify(sets.get(0), sig, key, Instant.now());
    }
  }

  private static EdgeRecord edge(String id, String v4, int port, String uuid, RecordMac mac) {
    return new EdgeRecord(
            id,
            "test",
            50.11,
            8.68,
            v4,
            null,
            port,
            100,
            0,
            EdgeState.ACTIVE,
            uuid,
            System.currentTimeMillis())
        .signed(mac);
  }

  /** An edge's health check on {@code host} (port 0): its port. */
  private int healthy(String host) throws Exception {
    return await(
            vertx.createHttpServer().requestHandler(r -> r.response().end("ok")).listen(0, host),
            SLOW)
        .actualPort();
  }

  private Message ask(String name, int type, boolean dnssecOk, String ecs, boolean tcp) {
    try {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
      List<EDNSOption> options = new ArrayList<>();
      if (ecs != null) {
        String[] p = ecs.split("/");
        options.add(new ClientSubnetOption(Integer.parseInt(p[1]), ip(p[0])));
      }
      q.addRecord(
          new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0, options), Section.ADDITIONAL);
      SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
      r.setPort(port);
      r.setTCP(tcp);
      r.setTimeout(Duration.ofSeconds(5));
      return r.send(q);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
