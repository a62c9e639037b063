package io.opencdn.dns;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Zone semantics on real packets through {@link QueryHandler}: wildcards (RFC 4592) including the
 * cases dnsjava's {@code Zone} gets wrong, empty non-terminals, CNAME chains (RFC 6604 rcode),
 * delegations, negative TTLs (RFC 2308), case preservation, ANY (RFC 8482), EDNS options and ECS
 * validation (RFC 7871).
 */
class ProtocolTest {

  static final String CONFIG = "classpath:protocol-dns.yaml";
  static final String NEG =
      "wild.test. 30 IN SOA ns1.wild.test. hostmaster.wild.test. 7 3600 600 604800 3600";

  private QueryHandler handler;

  @BeforeEach
  void setUp() {
    handler =
        handler(
            ConfigLocation.load(CONFIG, DnsConfig.class), CONFIG, new SnapshotHolder(demoEdges()));
  }

  private Message ask(Message query) {
    byte[] wire =
        handler.handle(query.toWire(), ip("8.8.8.8"), Transport.UDP); // a US resolver: us-east
    assertThat(wire).as("a response").isNotNull();
    return parse(wire);
  }

  record Case(
      String why,
      String name,
      int type,
      int rcode,
      boolean aa,
      List<String> answer,
      List<String> authority,
      List<String> additional) {
    @Override
    public String toString() {
      return why + ": " + name + " " + Type.string(type);
    }
  }

  static Case c(
      String why,
      String name,
      int type,
      int rcode,
      boolean aa,
      List<String> answer,
      List<String> authority) {
    return new Case(why, name, type, rcode, aa, answer, authority, null);
  }

  static Stream<Case> cases() {
    return Stream.of(
        c(
            "wildcard synthesises with the query name as owner",
            "x.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of("x.wild.test. 300 IN A 192.0.2.1"),
            List.of()),
        c(
            "wildcard matches several labels",
            "y.x.wild.test.",
            Type.AAAA,
            Rcode.NOERROR,
            true,
            List.of("y.x.wild.test. 300 IN AAAA 2001:db8:0:0:0:0:0:1"),
            List.of()),
        c(
            "wildcard keeps the question's case",
            "MiXeD.Wild.TEST.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of("MiXeD.Wild.TEST. 300 IN A 192.0.2.1"),
            List.of()),
        c(
            "wildcard without the type is NODATA",
            "x.wild.test.",
            Type.TXT,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "an existing name blocks the wildcard",
            "sub.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "closest encloser sub has no *.sub: NXDOMAIN (dnsjava: wildcard)",
            "x.sub.wild.test.",
            Type.A,
            Rcode.NXDOMAIN,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "empty non-terminal is NODATA (dnsjava: wildcard)",
            "b.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "below an empty non-terminal: NXDOMAIN (dnsjava: wildcard)",
            "x.b.wild.test.",
            Type.A,
            Rcode.NXDOMAIN,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "*.c is the source of synthesis, lacking A: NODATA (dnsjava: *.wild.test)",
            "q.c.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "*.c synthesises MX",
            "q.c.wild.test.",
            Type.MX,
            Rcode.NOERROR,
            true,
            List.of("q.c.wild.test. 300 IN MX 10 mx.wild.test."),
            List.of()),
        c(
            "wildcard CNAME is expanded and followed",
            "foo.cn.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(
                "foo.cn.wild.test. 300 IN CNAME target.wild.test.",
                "target.wild.test. 300 IN A 192.0.2.9"),
            List.of()),
        c(
            "CNAME chain of three links",
            "c1.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(
                "c1.wild.test. 300 IN CNAME c2.wild.test.",
                "c2.wild.test. 300 IN CNAME c3.wild.test.",
                "c3.wild.test. 300 IN CNAME target.wild.test.",
                "target.wild.test. 300 IN A 192.0.2.9"),
            List.of()),
        c(
            "a CNAME query returns the CNAME only",
            "c1.wild.test.",
            Type.CNAME,
            Rcode.NOERROR,
            true,
            List.of("c1.wild.test. 300 IN CNAME c2.wild.test."),
            List.of()),
        c(
            "CNAME to a missing name: rcode of the last name (RFC 6604)",
            "dangling.wild.test.",
            Type.A,
            Rcode.NXDOMAIN,
            true,
            List.of("dangling.wild.test. 300 IN CNAME gone.b.wild.test."),
            List.of(NEG)),
        c(
            "CNAME loop ends without error",
            "loop1.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(
                "loop1.wild.test. 300 IN CNAME loop2.wild.test.",
                "loop2.wild.test. 300 IN CNAME loop1.wild.test."),
            List.of()),
        c(
            "CNAME into a geo-routed name",
            "static.cdn.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of(
                "static.cdn.test. 300 IN CNAME www.cdn.test.", "www.cdn.test. 20 IN A 127.0.0.11"),
            List.of()),
        new Case(
            "delegation: NS + glue, no AA",
            "host.deleg.wild.test.",
            Type.A,
            Rcode.NOERROR,
            false,
            List.of(),
            List.of(
                "deleg.wild.test. 300 IN NS ns.deleg.wild.test.",
                "deleg.wild.test. 300 IN NS ns.elsewhere.example."),
            List.of(
                "ns.deleg.wild.test. 300 IN A 192.0.2.53",
                "ns.deleg.wild.test. 300 IN AAAA 2001:db8:0:0:0:0:0:53")),
        c(
            "delegation point itself refers",
            "deleg.wild.test.",
            Type.A,
            Rcode.NOERROR,
            false,
            List.of(),
            List.of(
                "deleg.wild.test. 300 IN NS ns.deleg.wild.test.",
                "deleg.wild.test. 300 IN NS ns.elsewhere.example.")),
        c(
            "DS at the cut is answered by the parent",
            "deleg.wild.test.",
            Type.DS,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "glue is not authoritative data",
            "ns.deleg.wild.test.",
            Type.A,
            Rcode.NOERROR,
            false,
            List.of(),
            List.of(
                "deleg.wild.test. 300 IN NS ns.deleg.wild.test.",
                "deleg.wild.test. 300 IN NS ns.elsewhere.example.")),
        c(
            "negative TTL = min(SOA TTL 30, MINIMUM 3600)",
            "nothere.x.sub.wild.test.",
            Type.A,
            Rcode.NXDOMAIN,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "negative TTL = min(SOA TTL 300, MINIMUM 60)",
            "nothere.cdn.test.",
            Type.A,
            Rcode.NXDOMAIN,
            true,
            List.of(),
            List.of(
                "cdn.test. 60 IN SOA ns1.cdn.test. hostmaster.cdn.test. 2026010101 3600 600 604800 60")),
        c(
            "ANY: one RRset (RFC 8482)",
            "wild.test.",
            Type.ANY,
            Rcode.NOERROR,
            true,
            List.of("wild.test. 300 IN NS ns1.wild.test."),
            List.of()),
        c(
            "ANY on a wildcard: one RRset",
            "z.wild.test.",
            Type.ANY,
            Rcode.NOERROR,
            true,
            List.of("z.wild.test. 300 IN A 192.0.2.1"),
            List.of()),
        c(
            "ANY on an empty non-terminal: NODATA",
            "b.wild.test.",
            Type.ANY,
            Rcode.NOERROR,
            true,
            List.of(),
            List.of(NEG)),
        c(
            "ANY on a geo-routed name: the A answer",
            "www.cdn.test.",
            Type.ANY,
            Rcode.NOERROR,
            true,
            List.of("www.cdn.test. 20 IN A 127.0.0.11"),
            List.of()),
        c(
            "geo-routed name keeps the question's case",
            "WWW.Cdn.Test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of("WWW.Cdn.Test. 20 IN A 127.0.0.11"),
            List.of()),
        c(
            "zone data keeps the question's case",
            "NS1.WILD.TEST.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of("NS1.WILD.TEST. 300 IN A 127.0.0.1"),
            List.of()),
        new Case(
            "NS answer: in-zone target addresses in additional",
            "wild.test.",
            Type.NS,
            Rcode.NOERROR,
            true,
            List.of("wild.test. 300 IN NS ns1.wild.test."),
            List.of(),
            List.of("ns1.wild.test. 300 IN A 127.0.0.1")),
        new Case(
            "MX answer: target synthesised from the wildcard, A and AAAA",
            "wild.test.",
            Type.MX,
            Rcode.NOERROR,
            true,
            List.of("wild.test. 300 IN MX 10 mail.wild.test."),
            List.of(),
            List.of(
                "mail.wild.test. 300 IN A 192.0.2.1",
                "mail.wild.test. 300 IN AAAA 2001:db8:0:0:0:0:0:1")),
        new Case(
            "no additional for other types",
            "ns1.wild.test.",
            Type.A,
            Rcode.NOERROR,
            true,
            List.of("ns1.wild.test. 300 IN A 127.0.0.1"),
            List.of(),
            List.of()),
        c(
            "outside every zone",
            "wild.example.",
            Type.A,
            Rcode.REFUSED,
            false,
            List.of(),
            List.of()));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answers(Case c) {
    Message r = ask(query(c.name(), c.type(), null));
    assertThat(r.getRcode()).as("rcode").isEqualTo(c.rcode());
    assertThat(r.getHeader().getFlag(Flags.AA)).as("AA").isEqualTo(c.aa());
    assertThat(r.getQuestion().getName().toString())
        .as("question echoed as asked")
        .isEqualTo(c.name());
    assertThat(section(r, Section.ANSWER)).as("answer").containsExactlyElementsOf(c.answer());
    assertThat(section(r, Section.AUTHORITY))
        .as("authority")
        .containsExactlyElementsOf(c.authority());
    if (c.additional() != null) {
      assertThat(section(r, Section.ADDITIONAL))
          .as("additional")
          .containsExactlyElementsOf(c.additional());
    }
  }

  @Test
  void unknownEdnsOptionsAreIgnoredAndNotEchoed() {
    Message q = query("ns1.wild.test.", Type.A, null);
    q.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            0,
            new GenericEDNSOption(65001, new byte[] {1, 2, 3}),
            new CookieOption(new byte[8]),
            new ClientSubnetOption(24, ip("81.2.69.0"))),
        Section.ADDITIONAL);
    Message r = ask(q);
    assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(section(r, Section.ANSWER)).containsExactly("ns1.wild.test. 300 IN A 127.0.0.1");
    assertThat(r.getOPT().getOptions())
        .extracting(EDNSOption::getCode)
        .containsExactly(EDNSOption.Code.CLIENT_SUBNET);
  }

  /** Raw ECS option bytes: family, source prefix, scope prefix, address. */
  static byte[] ecs(int family, int source, int scope, int... address) {
    byte[] b = new byte[4 + address.length];
    b[0] = (byte) (family >> 8);
    b[1] = (byte) family;
    b[2] = (byte) source;
    b[3] = (byte) scope;
    for (int i = 0; i < address.length; i++) {
      b[4 + i] = (byte) address[i];
    }
    return b;
  }

  static Stream<byte[]> invalidSubnets() {
    return Stream.of(
        ecs(3, 24, 0, 81, 2, 69), // unknown family
        ecs(1, 33, 0, 81, 2, 69, 0, 0), // prefix longer than IPv4
        ecs(2, 129, 0, 0x20, 0x01), // prefix longer than IPv6
        ecs(1, 24, 0, 81, 2, 69, 0), // address longer than the prefix needs
        ecs(1, 24, 0, 81, 2), // address shorter than the prefix needs
        ecs(1, 20, 0, 81, 2, 69), // bits set beyond the prefix
        ecs(1, 0, 0, 81), // prefix 0 with an address byte
        ecs(1, 24, 33, 81, 2, 69), // scope longer than the family allows
        new byte[] {0, 1, 24}); // truncated option
  }

  @ParameterizedTest
  @MethodSource("invalidSubnets")
  void inconsistentClientSubnetIsFormErr(byte[] option) {
    Message q = query("www.cdn.test.", Type.A, null);
    q.addRecord(
        new OPTRecord(1232, 0, 0, 0, new GenericEDNSOption(EDNSOption.Code.CLIENT_SUBNET, option)),
        Section.ADDITIONAL);
    Message r = ask(q);
    assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(r.getHeader().getID()).isEqualTo(4242);
    assertThat(r.getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void validEdgeCasesOfClientSubnetAreAnswered() {
    // IPv6 /56 and source prefix 0 (then the resolver's address decides and scope is 0)
    Message q6 = query("www.cdn.test.", Type.A, null);
    q6.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            0,
            new GenericEDNSOption(
                EDNSOption.Code.CLIENT_SUBNET, ecs(2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0))),
        Section.ADDITIONAL);
    Message r6 = ask(q6);
    assertThat(r6.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(TestSupport.ecs(r6).getSourcePrefixLength()).isEqualTo(56);
    assertThat(TestSupport.ecs(r6).getScopePrefixLength()).isBetween(1, 128);

    Message q0 = query("www.cdn.test.", Type.A, null);
    q0.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, new GenericEDNSOption(EDNSOption.Code.CLIENT_SUBNET, ecs(1, 0, 0))),
        Section.ADDITIONAL);
    Message r0 = ask(q0);
    assertThat(r0.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(TestSupport.ecs(r0).getScopePrefixLength()).isZero();
  }

  @Test
  void scopeIsTheDecidingNetworkNeverWiderForGeoAndZeroForStatic() {
    int network = geo().locate(ip("81.2.69.0")).orElseThrow().prefixLength();
    for (String subnet : new String[] {"81.2.0.0/16", "81.2.69.0/24", "81.2.69.1/32"}) {
      Message r = ask(query("www.cdn.test.", Type.A, subnet));
      assertThat(TestSupport.ecs(r).getScopePrefixLength()).as(subnet).isEqualTo(network);
    }
    Message wild = ask(query("x.wild.test.", Type.A, "81.2.69.0/24"));
    assertThat(TestSupport.ecs(wild).getScopePrefixLength()).isZero();
  }
}
