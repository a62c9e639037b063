package io.opencdn.dns.answer;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The whole query path with real packets, the real GeoLite2 database and the demo edges. */
class QueryHandlerTest {

  private SnapshotHolder edges;
  private QueryHandler handler;

  @BeforeEach
  void setUp() {
    edges = new SnapshotHolder(demoEdges());
    handler = handler(testConfig(), TEST_CONFIG, edges);
  }

  private Message ask(Message query, String source, Transport transport) {
    byte[] wire = handler.handle(query.toWire(), ip(source), transport);
    assertThat(wire).as("a response").isNotNull();
    return parse(wire);
  }

  private Message ask(Message query) {
    return ask(query, "192.0.2.1", Transport.UDP);
  }

  /** One table row: question, client, expected rcode, AA and sections as zone-file text. */
  record Case(
      String name,
      int type,
      String ecs,
      String source,
      int rcode,
      boolean aa,
      List<String> answer,
      List<String> authority) {
    @Override
    public String toString() {
      return name
          + " "
          + Type.string(type)
          + (ecs != null ? " ecs " + ecs : "")
          + " from "
          + source;
    }
  }

  static final String SOA_NEG =
      "cdn.test. 60 IN SOA ns1.cdn.test. hostmaster.cdn.test. 2026010101 3600 600 604800 60";
  static final String SOA =
      "cdn.test. 300 IN SOA ns1.cdn.test. hostmaster.cdn.test. 2026010101 3600 600 604800 60";

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "www.cdn.test.",
            Type.A,
            "81.2.69.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.12"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.A,
            "1.0.16.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.13"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.A,
            "8.8.8.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.11"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.A,
            null,
            "81.2.69.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.12"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.A,
            "edns",
            "1.0.16.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.13"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.A,
            "0.0.0.0/0",
            "1.0.16.1",
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.13"),
            List.of()),
        new Case(
            "www.cdn.test.",
            Type.AAAA,
            "81.2.69.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(SOA_NEG)),
        new Case(
            "www.cdn.test.",
            Type.MX,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(SOA_NEG)),
        new Case(
            "static.cdn.test.",
            Type.A,
            "81.2.69.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(
                "static.cdn.test. 300 IN CNAME www.cdn.test.", "www.cdn.test. 20 IN A 127.0.0.12"),
            List.of()),
        new Case(
            "cdn.test.", Type.SOA, null, "192.0.2.1", Rcode.NOERROR, true, List.of(SOA), List.of()),
        new Case(
            "cdn.test.",
            Type.NS,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("cdn.test. 300 IN NS ns1.cdn.test."),
            List.of()),
        new Case(
            "CDN.TEST.",
            Type.TXT,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(
                "CDN.TEST. 300 IN TXT \"v=opencdn1; demo zone served by the OpenCDN DNS server\""),
            List.of()),
        new Case(
            "ns1.cdn.test.",
            Type.A,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("ns1.cdn.test. 300 IN A 127.0.0.1"),
            List.of()),
        new Case(
            "ns1.cdn.test.",
            Type.AAAA,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(SOA_NEG)),
        new Case(
            "nothere.cdn.test.",
            Type.A,
            null,
            "192.0.2.1",
            Rcode.NXDOMAIN,
            true,
            List.of(),
            List.of(SOA_NEG)),
        new Case(
            "example.org.", Type.A, null, "192.0.2.1", Rcode.REFUSED, false, List.of(), List.of()),
        new Case(
            "alias.big.test.",
            Type.A,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of(
                "alias.big.test. 300 IN CNAME target.big.test.",
                "target.big.test. 300 IN A 192.0.2.7"),
            List.of()),
        new Case(
            "out.big.test.",
            Type.A,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("out.big.test. 300 IN CNAME www.example.org."),
            List.of()),
        new Case(
            "host.sub.big.test.",
            Type.A,
            null,
            "192.0.2.1",
            Rcode.NOERROR,
            false,
            List.of(),
            List.of("sub.big.test. 300 IN NS ns.sub.big.test.")),
        new Case(
            "multi.big.test.",
            Type.A,
            "81.2.69.0/24",
            "192.0.2.1",
            Rcode.NOERROR,
            true,
            List.of("multi.big.test. 30 IN A 127.0.0.12", "multi.big.test. 30 IN A 127.0.0.11"),
            List.of()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answers(Case c) {
    Message r = ask(query(c.name(), c.type(), c.ecs()), c.source(), Transport.UDP);
    assertThat(r.getHeader().getID()).isEqualTo(4242);
    assertThat(r.getHeader().getFlag(Flags.QR)).isTrue();
    assertThat(r.getRcode()).as("rcode").isEqualTo(c.rcode());
    assertThat(r.getHeader().getFlag(Flags.AA)).as("AA").isEqualTo(c.aa());
    assertThat(section(r, Section.ANSWER)).as("answer").containsExactlyElementsOf(c.answer());
    assertThat(section(r, Section.AUTHORITY))
        .as("authority")
        .containsExactlyElementsOf(c.authority());
    assertThat(r.getOPT() != null).as("OPT iff the query had EDNS").isEqualTo(c.ecs() != null);
  }

  @Test
  void latencyIsOneSamplePerResponseSentAlsoInBursts() {
    handler.handle(query("cdn.test.", Type.SOA, null).toWire(), ip("192.0.2.1"), Transport.TCP);
    assertThat(handler.metrics().scrape()).contains("dns_query_duration_seconds_count 1");
    // a burst of three: two answered, one response (QR set) dropped without an answer
    Message response = query("cdn.test.", Type.SOA, null);
    response.getHeader().setFlag(Flags.QR);
    byte[][] burst = {
      query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire(),
      response.toWire(),
      query("nothere.cdn.test.", Type.A, null).toWire()
    };
    java.net.InetAddress[] sources = {ip("192.0.2.1"), ip("192.0.2.2"), ip("192.0.2.3")};
    byte[][] out = new byte[3][];
    handler.handleAll(burst, sources, 3, Transport.UDP, out);
    assertThat(out[0]).isNotNull();
    assertThat(out[1]).isNull();
    assertThat(out[2]).isNotNull();
    assertThat(handler.dropped()).isEqualTo(1);
    assertThat(handler.metrics().scrape()).contains("dns_query_duration_seconds_count 3");
  }

  @Test
  void referralCarriesGlue() {
    Message r = ask(query("sub.big.test.", Type.A, null));
    assertThat(section(r, Section.ADDITIONAL))
        .containsExactly("ns.sub.big.test. 300 IN A 127.0.0.53");
  }

  @Test
  void echoesClientSubnetWithTheScopeOfTheDecidingNetwork() {
    Message r = ask(query("www.cdn.test.", Type.A, "81.2.69.0/24"));
    ClientSubnetOption ecs = ecs(r);
    assertThat(ecs).isNotNull();
    assertThat(ecs.getSourcePrefixLength()).isEqualTo(24);
    assertThat(ecs.getAddress()).isEqualTo(ip("81.2.69.0"));
    int expected = geo().locate(ip("81.2.69.0")).orElseThrow().prefixLength();
    assertThat(ecs.getScopePrefixLength()).isEqualTo(expected).isBetween(1, 32);
  }

  @Test
  void staticAnswersHaveScopeZero() {
    Message r = ask(query("cdn.test.", Type.SOA, "81.2.69.0/24"));
    assertThat(ecs(r).getScopePrefixLength()).isZero();
    Message zero = ask(query("www.cdn.test.", Type.A, "0.0.0.0/0"), "1.0.16.1", Transport.UDP);
    assertThat(ecs(zero).getSourcePrefixLength()).isZero();
    assertThat(ecs(zero).getScopePrefixLength()).isZero();
  }

  @Test
  void noClientSubnetInAnswersToQueriesWithoutIt() {
    Message r = ask(query("www.cdn.test.", Type.A, "edns"));
    assertThat(r.getOPT()).isNotNull();
    assertThat(r.getOPT().getPayloadSize()).isEqualTo(1232);
    assertThat(ecs(r)).isNull();
  }

  @Test
  void unknownLocationStillAnswersStablyWithScopeOfTheSourcePrefix() {
    Message first = ask(query("www.cdn.test.", Type.A, "10.1.2.0/24"));
    Message again = ask(query("www.cdn.test.", Type.A, "10.1.2.0/24"));
    assertThat(section(first, Section.ANSWER)).hasSize(1).isEqualTo(section(again, Section.ANSWER));
    assertThat(ecs(first).getScopePrefixLength()).isEqualTo(24);
  }

  @Test
  void garbageIsFormErrEchoingTheIdAndTooShortIsDropped() {
    byte[] garbage = {
      0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f, 0x7f
    };
    Message r = parse(handler.handle(garbage, ip("192.0.2.1"), Transport.UDP));
    assertThat(r.getHeader().getID()).isEqualTo(0x1234);
    assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(handler.handle(new byte[] {1, 2, 3}, ip("192.0.2.1"), Transport.UDP)).isNull();
  }

  @Test
  void responsesAreDropped() {
    Message q = query("www.cdn.test.", Type.A, null);
    q.getHeader().setFlag(Flags.QR);
    assertThat(handler.handle(q.toWire(), ip("192.0.2.1"), Transport.UDP)).isNull();
  }

  @Test
  void twoQuestionsIsFormErr() throws Exception {
    Message q = query("www.cdn.test.", Type.A, null);
    q.addRecord(
        org.xbill.DNS.Record.newRecord(
            org.xbill.DNS.Name.fromString("cdn.test."), Type.SOA, org.xbill.DNS.DClass.IN),
        Section.QUESTION);
    assertThat(ask(q).getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void otherOpcodesAreNotImplemented() {
    Message q = query("cdn.test.", Type.SOA, null);
    q.getHeader().setOpcode(Opcode.NOTIFY);
    Message r = ask(q);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOTIMP);
    assertThat(r.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
  }

  @Test
  void otherClassesAreRefused() throws Exception {
    Message q =
        Message.newQuery(
            org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("version.bind."), Type.TXT, org.xbill.DNS.DClass.CH));
    assertThat(ask(q).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(ask(query("cdn.test.", Type.AXFR, null)).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void ednsVersionAboveZeroIsBadVers() {
    Message q = query("www.cdn.test.", Type.A, null);
    q.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
    Message r = ask(q);
    assertThat(r.getRcode()).isEqualTo(Rcode.BADVERS);
    assertThat(r.getOPT()).isNotNull();
    assertThat(r.getOPT().getVersion()).isZero();
    assertThat(r.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void invalidClientSubnetIsFormErr() {
    byte[] wire = query("www.cdn.test.", Type.A, "81.2.69.0/24").toWire();
    // The ECS option ends the message: family(2) source(1) scope(1) address(3). Set bits beyond
    // /24.
    int sourceAt = wire.length - 5;
    assertThat(wire[sourceAt]).isEqualTo((byte) 24);
    wire[sourceAt] = 16;
    Message r = parse(handler.handle(wire, ip("192.0.2.1"), Transport.UDP));
    assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(r.getHeader().getID()).isEqualTo(4242);
  }

  @Test
  void bigAnswersAreTruncatedOverUdpButNotOverTcp() {
    Message plain = ask(query("txt.big.test.", Type.TXT, null), "192.0.2.1", Transport.UDP);
    assertThat(plain.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(plain.toWire().length).isLessThanOrEqualTo(512);

    byte[] edns =
        handler.handle(
            query("txt.big.test.", Type.TXT, "81.2.69.0/24").toWire(),
            ip("192.0.2.1"),
            Transport.UDP);
    assertThat(edns.length).isLessThanOrEqualTo(1232);
    Message truncated = parse(edns);
    assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
    assertThat(truncated.getOPT()).as("OPT survives truncation").isNotNull();

    Message tcp = ask(query("txt.big.test.", Type.TXT, null), "192.0.2.1", Transport.TCP);
    assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
    assertThat(tcp.getSection(Section.ANSWER)).hasSize(40);
  }

  @Test
  void unhealthyAndDrainingEdgesAreSkipped() {
    edges.publish(new EdgeSnapshot(List.of(US_EAST, EU_WEST.withHealthy(false), AP_NORTHEAST)));
    assertThat(section(ask(query("www.cdn.test.", Type.A, "81.2.69.0/24")), Section.ANSWER))
        .containsExactly("www.cdn.test. 20 IN A 127.0.0.11");
    edges.publish(
        new EdgeSnapshot(
            List.of(
                US_EAST,
                edge("eu-west", 50.11, 8.68, "127.0.0.12", null, EdgeState.DRAINING, true),
                AP_NORTHEAST)));
    assertThat(section(ask(query("www.cdn.test.", Type.A, "81.2.69.0/24")), Section.ANSWER))
        .containsExactly("www.cdn.test. 20 IN A 127.0.0.11");
  }

  @Test
  void noHealthyEdgeMeansTheNearestActiveEdgeAndNoEdgeMeansServfail() {
    // panic guard: with every edge failing its health checks the nearest ACTIVE edge is answered
    // (a health-check outage must not blank the name), never a DRAINING one
    edges.publish(
        new EdgeSnapshot(
            List.of(
                US_EAST.withHealthy(false),
                EU_WEST.withHealthy(false),
                AP_NORTHEAST.withHealthy(false))));
    assertThat(section(ask(query("www.cdn.test.", Type.A, "81.2.69.0/24")), Section.ANSWER))
        .containsExactly("www.cdn.test. 20 IN A 127.0.0.12");
    edges.publish(
        new EdgeSnapshot(
            List.of(
                US_EAST.withHealthy(false),
                edge("eu-west", 50.11, 8.68, "127.0.0.12", null, EdgeState.DRAINING, false),
                AP_NORTHEAST.withHealthy(false))));
    assertThat(section(ask(query("www.cdn.test.", Type.A, "81.2.69.0/24")), Section.ANSWER))
        .containsExactly("www.cdn.test. 20 IN A 127.0.0.11");
    edges.publish(EdgeSnapshot.EMPTY);
    Message r = ask(query("www.cdn.test.", Type.A, "81.2.69.0/24"));
    assertThat(r.getRcode()).isEqualTo(Rcode.SERVFAIL);
    assertThat(handler.responses(Rcode.SERVFAIL)).isEqualTo(1);
  }

  @Test
  void aaaaAnswersUseEdgesWithIpv6() {
    edges.publish(
        new EdgeSnapshot(
            List.of(
                US_EAST,
                EU_WEST,
                edge("ap-v6", 35.68, 139.69, null, "fd00::13", EdgeState.ACTIVE, true))));
    Message r = ask(query("www.cdn.test.", Type.AAAA, "81.2.69.0/24"));
    assertThat(section(r, Section.ANSWER))
        .containsExactly("www.cdn.test. 20 IN AAAA fd00:0:0:0:0:0:0:13");
  }
}
