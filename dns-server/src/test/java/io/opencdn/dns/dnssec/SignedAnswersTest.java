package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.demoEdges;
import static io.opencdn.dns.TestSupport.handler;
import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.DnssecConfig;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Signed answers through the real query handler (zones cdn.test. with the geo-routed www and
 * wild.test. with wildcards, CNAME chains and a delegation), each RRSIG checked with dnsjava's
 * verifier against the served DNSKEY set; queries without DO answered byte for byte as without
 * DNSSEC; the fast path's signed bytes equal the full path's.
 */
class SignedAnswersTest {

  private static final String CONFIG = "classpath:protocol-dns.yaml";
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @TempDir Path keys;
  private QueryHandler plain;
  private QueryHandler signed;
  private OnlineSigner signer;

  @BeforeEach
  void setUp() {
    DnsConfig config = ConfigLocation.load(CONFIG, DnsConfig.class);
    plain = handler(config, CONFIG, new SnapshotHolder(demoEdges()));
    signed = handler(config, CONFIG, new SnapshotHolder(demoEdges()));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DnssecConfig dc = DnssecConfig.defaults(keys.toString());
    signer = new OnlineSigner(dc, clock, new Signatures(1000));
    signer.update(
        new KeyManager(keys, dc, clock).refresh(List.of(name("cdn.test."), name("wild.test."))));
    signed.signer(signer);
  }

  static Name name(String s) {
    return Name.fromConstantString(s);
  }

  static byte[] query(String qname, int type, boolean dnssecOk, String ecs) {
    Message q = Message.newQuery(Record.newRecord(name(qname), type, DClass.IN));
    q.getHeader().setID(77);
    List<EDNSOption> options = new ArrayList<>();
    if (ecs != null) {
      String[] p = ecs.split("/");
      options.add(new ClientSubnetOption(Integer.parseInt(p[1]), ip(p[0])));
    }
    q.addRecord(
        new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0, options), Section.ADDITIONAL);
    return q.toWire();
  }

  Message ask(QueryHandler h, String qname, int type, String ecs) throws Exception {
    return new Message(h.handle(query(qname, type, true, ecs), ip("8.8.8.8"), Transport.UDP));
  }

  /**
   * Every RRset of the answer and authority sections verifies against the zone's served DNSKEY set.
   */
  void assertValid(Message m, String zone) throws Exception {
    Message keysAnswer = ask(signed, zone, Type.DNSKEY, null);
    RRset dnskeys =
        keysAnswer.getSectionRRsets(Section.ANSWER).stream()
            .filter(s -> s.getType() == Type.DNSKEY)
            .findFirst()
            .orElseThrow();
    for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
      for (RRset set : m.getSectionRRsets(section)) {
        if (set.getType() == Type.NS && section == Section.AUTHORITY) {
          continue; // a referral's NS set is the child's: unsigned
        }
        assertThat(set.sigs())
            .as("RRSIG over %s %s", set.getName(), Type.string(set.getType()))
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
    // the DNSKEY set itself is signed by a key in it
    for (RRSIGRecord sig : dnskeys.sigs()) {
      DNSSEC.verify(dnskeys, sig, (DNSKEYRecord) dnskeys.first(), NOW);
    }
    assertThat(dnskeys.sigs()).isNotEmpty();
  }

  @Test
  void geoAnswersOfEachRegionAreSigned() throws Exception {
    for (String[] c :
        new String[][] {
          {"81.2.69.0/24", "127.0.0.12"},
          {"1.0.16.0/24", "127.0.0.13"},
          {"8.8.8.0/24", "127.0.0.11"}
        }) {
      Message m = ask(signed, "www.cdn.test.", Type.A, c[0]);
      assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo(c[1]);
      assertValid(m, "cdn.test.");
    }
  }

  @Test
  void nxdomainIsCompactNodataWithAnNxnameNsec() throws Exception {
    Message m = ask(signed, "nothere.cdn.test.", Type.A, null);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
    NSECRecord nsec =
        (NSECRecord)
            m.getSection(Section.AUTHORITY).stream()
                .filter(r -> r.getType() == Type.NSEC)
                .findFirst()
                .orElseThrow();
    assertThat(nsec.getName()).isEqualTo(name("nothere.cdn.test."));
    assertThat(nsec.getNext()).isEqualTo(name("\\000.nothere.cdn.test."));
    assertThat(nsec.getTypes()).containsExactly(Type.RRSIG, Type.NSEC, SignedMessage.NXNAME);
    assertValid(m, "cdn.test.");
  }

  @Test
  void nodataNamesTheTypesThatExist() throws Exception {
    Message m = ask(signed, "wild.test.", Type.AAAA, null);
    NSECRecord nsec =
        (NSECRecord)
            m.getSection(Section.AUTHORITY).stream()
                .filter(r -> r.getType() == Type.NSEC)
                .findFirst()
                .orElseThrow();
    assertThat(nsec.getTypes())
        .containsExactly(
            Type.NS,
            Type.SOA,
            Type.MX,
            Type.TXT,
            Type.RRSIG,
            Type.NSEC,
            Type.DNSKEY,
            Type.CDS,
            Type.CDNSKEY);
    assertValid(m, "wild.test.");
    Message routed = ask(signed, "www.cdn.test.", Type.TXT, null);
    NSECRecord r =
        (NSECRecord)
            routed.getSection(Section.AUTHORITY).stream()
                .filter(x -> x.getType() == Type.NSEC)
                .findFirst()
                .orElseThrow();
    assertThat(r.hasType(Type.A)).isTrue();
    assertThat(r.hasType(Type.AAAA)).isTrue();
    assertValid(routed, "cdn.test.");
  }

  @Test
  void wildcardsCnameChainsAndReferralsAreSigned() throws Exception {
    Message wild = ask(signed, "anything.wild.test.", Type.A, null);
    assertThat(wild.getSection(Section.ANSWER).get(0).getName())
        .isEqualTo(name("anything.wild.test."));
    RRSIGRecord sig =
        (RRSIGRecord)
            wild.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.RRSIG)
                .findFirst()
                .orElseThrow();
    assertThat(sig.getLabels()).isEqualTo(3); // signed as existing at the query name
    assertValid(wild, "wild.test.");
    Message chain = ask(signed, "c1.wild.test.", Type.A, null);
    assertThat(chain.getSectionRRsets(Section.ANSWER)).hasSize(4);
    assertValid(chain, "wild.test.");
    Message referral = ask(signed, "x.deleg.wild.test.", Type.A, null);
    assertThat(referral.getHeader().getFlag(Flags.AA)).isFalse();
    NSECRecord noDs =
        (NSECRecord)
            referral.getSection(Section.AUTHORITY).stream()
                .filter(r -> r.getType() == Type.NSEC)
                .findFirst()
                .orElseThrow();
    assertThat(noDs.getName()).isEqualTo(name("deleg.wild.test."));
    assertThat(noDs.getTypes()).containsExactly(Type.NS, Type.RRSIG, Type.NSEC);
    assertValid(referral, "wild.test.");
    // glue stays unsigned
    assertThat(
            referral.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.RRSIG))
        .isEmpty();
  }

  @Test
  void apexServesKeysCdsAndCdnskeyEvenWithoutDo() throws Exception {
    Message keys =
        new Message(
            signed.handle(
                query("cdn.test.", Type.DNSKEY, false, null), ip("8.8.8.8"), Transport.UDP));
    assertThat(keys.getSection(Section.ANSWER)).hasSize(1);
    assertThat(((DNSKEYRecord) keys.getSection(Section.ANSWER).get(0)).getFlags()).isEqualTo(257);
    Message cds = ask(signed, "cdn.test.", Type.CDS, null);
    assertThat(cds.getSectionRRsets(Section.ANSWER).get(0).getType()).isEqualTo(Type.CDS);
    assertValid(cds, "cdn.test.");
    assertThat(signer.rings().get(name("cdn.test.")).ds(3600).get(0).getFootprint())
        .isEqualTo(((DNSKEYRecord) keys.getSection(Section.ANSWER).get(0)).getFootprint());
  }

  @Test
  void withoutDoTheBytesAreThoseOfTheUnsignedServer() {
    Random rnd = new Random(23);
    String[] names = {
      "www.cdn.test.",
      "cdn.test.",
      "nothere.cdn.test.",
      "anything.wild.test.",
      "c1.wild.test.",
      "x.deleg.wild.test.",
      "sub.wild.test.",
      "b.wild.test.",
      "WwW.CdN.TeSt.",
      "example.org."
    };
    int[] types = {
      Type.A, Type.AAAA, Type.SOA, Type.NS, Type.TXT, Type.MX, Type.ANY, Type.DS, Type.CNAME
    };
    for (int i = 0; i < 3000; i++) {
      String ecs =
          rnd.nextInt(3) == 0
              ? null
              : (1 + rnd.nextInt(200)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0/24";
      byte[] q =
          query(names[rnd.nextInt(names.length)], types[rnd.nextInt(types.length)], false, ecs);
      Transport t = rnd.nextBoolean() ? Transport.UDP : Transport.TCP;
      assertThat(signed.handle(q, ip("8.8.8.8"), t)).isEqualTo(plain.handle(q, ip("8.8.8.8"), t));
    }
  }

  @Test
  void theFastPathGivesTheFullPathsSignedBytes() {
    Random rnd = new Random(5);
    for (int i = 0; i < 500; i++) {
      String ecs =
          (1 + rnd.nextInt(200)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0/24";
      byte[] q = query(rnd.nextBoolean() ? "www.cdn.test." : "WWW.cdn.TEST.", Type.A, true, ecs);
      signed.fastPath(true);
      byte[] fast = signed.handle(q, ip("8.8.8.8"), Transport.UDP);
      signed.fastPath(false);
      byte[] full = signed.handle(q, ip("8.8.8.8"), Transport.UDP);
      assertThat(fast).isEqualTo(full);
    }
    for (String n : new String[] {"cdn.test.", "nothere.cdn.test.", "anything.wild.test."}) {
      byte[] q = query(n, Type.SOA, true, null);
      signed.fastPath(false);
      byte[] full = signed.handle(q, ip("8.8.8.8"), Transport.UDP);
      signed.fastPath(true);
      signed.handle(q, ip("8.8.8.8"), Transport.UDP);
      assertThat(signed.handle(q, ip("8.8.8.8"), Transport.UDP)).isEqualTo(full); // kept, replayed
    }
  }

  @Test
  void aRepeatedAnswerCostsNoSignature() throws Exception {
    for (int i = 0; i < 50; i++) {
      ask(signed, "www.cdn.test.", Type.A, "81.2." + i + ".0/24");
      ask(signed, "nothere.cdn.test.", Type.A, null);
    }
    long made = signer.signatures().made();
    assertThat(made).isGreaterThan(0);
    for (int i = 0; i < 50; i++) {
      ask(signed, "www.cdn.test.", Type.A, "81.2." + i + ".0/24");
      ask(signed, "nothere.cdn.test.", Type.A, null);
      ask(signed, "NoThere.cdn.test.", Type.A, null);
    }
    assertThat(signer.signatures().made()).isEqualTo(made);
  }

  @Test
  void aSignedAnswerTooLongForUdpIsTruncatedAndWholeOverTcp() throws Exception {
    // six TXT records: about 480 bytes unsigned (fits a 512-byte client), about 590 signed (does
    // not)
    StringBuilder zone =
        new StringBuilder(
            "$ORIGIN tc.test.\n$TTL 300\n@ IN SOA ns1 hm 1 3600 600 604800 60\n@ IN NS ns1\n"
                + "ns1 IN A 127.0.0.1\n");
    for (int i = 0; i < 6; i++) {
      zone.append("txt IN TXT \"record ")
          .append(i)
          .append(" padding padding padding padding padding padding\"\n");
    }
    Path file = keys.resolve("tc.test.zone");
    java.nio.file.Files.writeString(file, zone);
    String yaml = "zones: [{origin: tc.test., file: " + file + "}]\n";
    DnsConfig config =
        io.opencdn.common.config.ConfigLoader.parse(
            yaml, keys.resolve("tc.yaml").toString(), DnsConfig.class);
    QueryHandler h =
        handler(config, keys.resolve("tc.yaml").toString(), new SnapshotHolder(demoEdges()));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DnssecConfig dc = DnssecConfig.defaults(keys.resolve("tc-keys").toString());
    OnlineSigner s = new OnlineSigner(dc, clock, new Signatures(100));
    s.update(new KeyManager(keys.resolve("tc-keys"), dc, clock).refresh(List.of(name("tc.test."))));
    h.signer(s);
    for (boolean dnssecOk : new boolean[] {false, true}) {
      Message q = Message.newQuery(Record.newRecord(name("txt.tc.test."), Type.TXT, DClass.IN));
      q.addRecord(new OPTRecord(512, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
      Message udp = new Message(h.handle(q.toWire(), ip("8.8.8.8"), Transport.UDP));
      Message tcp = new Message(h.handle(q.toWire(), ip("8.8.8.8"), Transport.TCP));
      assertThat(udp.numBytes()).isLessThanOrEqualTo(512);
      assertThat(udp.getHeader().getFlag(Flags.TC))
          .as("TC with DO=" + dnssecOk)
          .isEqualTo(dnssecOk);
      assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
      assertThat(tcp.getSection(Section.ANSWER)).hasSize(dnssecOk ? 7 : 6);
      assertThat(tcp.numBytes()).isGreaterThan(dnssecOk ? 512 : 400);
    }
  }
}
