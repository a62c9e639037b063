package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.AP_NORTHEAST;
import static io.opencdn.dns.TestSupport.EU_WEST;
import static io.opencdn.dns.TestSupport.US_EAST;
import static io.opencdn.dns.TestSupport.demoEdges;
import static io.opencdn.dns.TestSupport.handler;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.DnssecConfig;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The geo answers of a signing handler while its edge set goes from empty to full, loses an edge
 * and gets it back: at every step each DO=1 answer is the DO=0 answer of the same moment plus
 * DNSSEC records (same rcode, same records, same Client Subnet scope; SERVFAIL only while DO=0 is
 * SERVFAIL too), its RRSIGs verifying against the served DNSKEY set; for the fast path's kept
 * decisions (resolver /24s, Client Subnet /24s) and the full path's (other prefixes), A and AAAA,
 * over UDP and TCP, single queries and bursts. Many DO queries are asked before any edge is known,
 * as a start-up warm-up or early resolvers would.
 */
class SignedEdgeChangesTest {

  private static final String CONFIG = "classpath:protocol-dns.yaml";
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @TempDir Path keys;

  @Test
  void doAnswersAreTheDoZeroAnswersSignedThroughEveryEdgeChange() throws Exception {
    DnsConfig config = ConfigLocation.load(CONFIG, DnsConfig.class);
    SnapshotHolder edges = new SnapshotHolder();
    QueryHandler h = handler(config, CONFIG, edges);
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DnssecConfig dc = DnssecConfig.defaults(keys.toString());
    OnlineSigner signer = new OnlineSigner(dc, clock, new Signatures(1000));
    signer.update(
        new KeyManager(keys, dc, clock)
            .refresh(
                List.of(
                    SignedAnswersTest.name("cdn.test."), SignedAnswersTest.name("wild.test."))));
    h.signer(signer);
    List<EdgeSnapshot> steps =
        List.of(
            EdgeSnapshot.EMPTY,
            demoEdges(),
            new EdgeSnapshot(List.of(US_EAST, AP_NORTHEAST)),
            demoEdges(),
            new EdgeSnapshot(List.of(EU_WEST)),
            EdgeSnapshot.EMPTY,
            demoEdges());
    for (EdgeSnapshot step : steps) {
      edges.publish(step);
      for (int round = 0; round < 2; round++) {
        for (String[] c : cases()) {
          for (int type : new int[] {Type.A, Type.AAAA}) {
            for (Transport t : Transport.values()) {
              check(h, step, c[0], c[1], type, t);
            }
          }
        }
        burst(h, step);
      }
    }
  }

  /** {resolver, Client Subnet or null}: kept decisions (/24s) and full decisions (/16, /32). */
  private static List<String[]> cases() {
    List<String[]> out = new ArrayList<>();
    for (String net : new String[] {"81.2.69", "1.0.16", "8.8.8", "203.0.113"}) {
      out.add(new String[] {net + ".1", null});
      out.add(new String[] {"9.9.9.9", net + ".0/24"});
      out.add(new String[] {"9.9.9.9", net + ".7/32"});
      out.add(new String[] {"9.9.9.9", net.substring(0, net.lastIndexOf('.')) + ".0.0/16"});
    }
    out.add(new String[] {"2001:db8::1", null});
    return out;
  }

  private void check(
      QueryHandler h, EdgeSnapshot step, String resolver, String ecs, int type, Transport t)
      throws Exception {
    InetAddress source = ip(resolver);
    Message plain =
        new Message(
            h.handle(SignedAnswersTest.query("www.cdn.test.", type, false, ecs), source, t));
    Message signed =
        new Message(h.handle(SignedAnswersTest.query("www.cdn.test.", type, true, ecs), source, t));
    compare(h, step, plain, signed, resolver + " " + ecs + " " + Type.string(type) + " " + t);
  }

  /** DO=1 and DO=0 queries from 64 client networks handled as one burst each way. */
  private void burst(QueryHandler h, EdgeSnapshot step) throws Exception {
    int n = 64;
    byte[][] plainQ = new byte[n][];
    byte[][] signedQ = new byte[n][];
    InetAddress[] sources = new InetAddress[n];
    for (int i = 0; i < n; i++) {
      String ecs = (1 + i * 3) + "." + (i * 37 % 256) + "." + (i * 11 % 256) + ".0/24";
      int type = i % 4 == 3 ? Type.AAAA : Type.A;
      plainQ[i] = SignedAnswersTest.query("www.cdn.test.", type, false, i % 2 == 0 ? ecs : null);
      signedQ[i] = SignedAnswersTest.query("www.cdn.test.", type, true, i % 2 == 0 ? ecs : null);
      sources[i] = ip("100." + i + ".0.1");
    }
    byte[][] plain = new byte[n][];
    byte[][] signed = new byte[n][];
    h.handleAll(plainQ, sources, n, Transport.UDP, plain);
    h.handleAll(signedQ, sources, n, Transport.UDP, signed);
    for (int i = 0; i < n; i++) {
      compare(h, step, new Message(plain[i]), new Message(signed[i]), "burst " + i);
    }
  }

  private void compare(QueryHandler h, EdgeSnapshot step, Message plain, Message signed, String as)
      throws Exception {
    String what = as + " with edges " + step.edges().stream().map(e -> e.id()).toList();
    if (step.isEmpty()) {
      assertThat(plain.getRcode()).as("DO=0 " + what).isEqualTo(Rcode.SERVFAIL);
    } else {
      assertThat(plain.getRcode()).as("DO=0 " + what).isEqualTo(Rcode.NOERROR);
    }
    assertThat(signed.getRcode()).as("DO=1 rcode " + what).isEqualTo(plain.getRcode());
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      assertThat(unsigned(signed, section))
          .as("DO=1 section %d without its DNSSEC records, %s", section, what)
          .isEqualTo(unsigned(plain, section));
    }
    assertThat(scope(signed)).as("DO=1 ECS scope " + what).isEqualTo(scope(plain));
    if (signed.getRcode() == Rcode.NOERROR) {
      assertValid(h, signed, what);
    }
  }

  private static List<String> unsigned(Message m, int section) {
    return m.getSection(section).stream()
        .filter(r -> r.getType() != Type.RRSIG && r.getType() != Type.NSEC)
        .map(Record::toString)
        .toList();
  }

  private static String scope(Message m) {
    var ecs = io.opencdn.dns.TestSupport.ecs(m);
    return ecs == null ? "none" : ecs.getSourcePrefixLength() + "/" + ecs.getScopePrefixLength();
  }

  private RRset dnskeys;

  private void assertValid(QueryHandler h, Message m, String what) throws Exception {
    if (dnskeys == null) {
      Message keys =
          new Message(
              h.handle(
                  SignedAnswersTest.query("cdn.test.", Type.DNSKEY, true, null),
                  ip("8.8.8.8"),
                  Transport.UDP));
      dnskeys = keys.getSectionRRsets(Section.ANSWER).get(0);
    }
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (RRset set : m.getSectionRRsets(section)) {
        assertThat(set.sigs())
            .as("RRSIG over %s %s, %s", set.getName(), set.getType(), what)
            .isNotEmpty();
        for (RRSIGRecord sig : set.sigs()) {
          DNSKEYRecord key =
              (DNSKEYRecord)
                  dnskeys.rrs(false).stream()
                      .filter(k -> ((DNSKEYRecord) k).getFootprint() == sig.getFootprint())
                      .findFirst()
                      .orElseThrow();
          DNSSEC.verify(set, sig, key, NOW);
        }
      }
    }
  }
}
