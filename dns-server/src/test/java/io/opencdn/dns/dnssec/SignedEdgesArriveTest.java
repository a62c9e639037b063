package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.eventually;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.DnsServer;
import io.opencdn.dns.JoiningServer;
import java.net.InetAddress;
import java.nio.file.Path;
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

  private static final String GEO = "www.cdn.test.";

  @TempDir Path keys;
  private JoiningServer dns;
  private int port;

  @AfterEach
  void stop() {
    if (dns != null) {
      dns.close();
    }
  }

  @Test
  void doAnswersFollowTheEdgesFromNoneToSomeAndBack() throws Exception {
    dns =
        new JoiningServer(
            "signed-edges-test",
            """
            listen: 127.0.0.1:0
            zones: [{origin: cdn.test., file: cdn.test.zone}]
            routing: [{name: www.cdn.test., ttl: 20, answers: 2}]
            rrl: {enabled: false}
            health: {intervalMillis: 100, timeoutMillis: 300, fall: 2, rise: 2}
            dnssec: {keyDirectory: %s}
            """
                .formatted(keys.toAbsolutePath()));
    port = dns.port();

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
    int portA = dns.healthy("127.0.0.11");
    int portB = dns.healthy("127.0.0.12");
    dns.startMember();
    var edges = dns.edges();
    edges.put("a", dns.edge("a", "127.0.0.11", portA));
    edges.put("b", dns.edge("b", "127.0.0.12", portB));
    dns.completeJoin();
    expectBoth(Set.of("127.0.0.11", "127.0.0.12"));

    edges.remove("b");
    edges.put("a", dns.edge("a", "127.0.0.11", portA)); // a fresh heartbeat
    expectBoth(Set.of("127.0.0.11"));

    edges.put("b", dns.edge("b", "127.0.0.12", portB));
    edges.put("a", dns.edge("a", "127.0.0.11", portA));
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
