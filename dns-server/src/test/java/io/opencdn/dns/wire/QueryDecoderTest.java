package io.opencdn.dns.wire;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryDecoderTest {

  private Decoded decode(Message q, String source) {
    return QueryDecoder.decode(q.toWire(), ip(source), Transport.UDP);
  }

  @Test
  void plainQueryUsesTheResolverAndClassicSize() {
    Request r =
        ((Decoded.Query) decode(query("www.cdn.test.", Type.A, null), "81.2.69.1")).request();
    assertThat(r.edns()).isFalse();
    assertThat(r.udpLimit()).isEqualTo(512);
    assertThat(r.subnet()).isNull();
    assertThat(r.clientAddress()).isEqualTo(ip("81.2.69.1"));
    assertThat(r.clientPrefix()).isEqualTo(24);
  }

  @Test
  void clientSubnetDecidesTheClientAddress() {
    Request r =
        ((Decoded.Query) decode(query("www.cdn.test.", Type.A, "1.0.16.0/24"), "192.0.2.1"))
            .request();
    assertThat(r.edns()).isTrue();
    assertThat(r.udpLimit()).isEqualTo(1232);
    assertThat(r.subnet()).isEqualTo(new ClientSubnet(1, 24, ip("1.0.16.0")));
    assertThat(r.clientAddress()).isEqualTo(ip("1.0.16.0"));
    assertThat(r.subnetHash())
        .isEqualTo(
            ((Decoded.Query) decode(query("x.cdn.test.", Type.A, "1.0.16.0/24"), "192.0.2.9"))
                .request()
                .subnetHash());
  }

  @Test
  void sourcePrefixZeroFallsBackToTheResolver() {
    Request r =
        ((Decoded.Query) decode(query("www.cdn.test.", Type.A, "0.0.0.0/0"), "192.0.2.1"))
            .request();
    assertThat(r.hasClientSubnet()).isFalse();
    assertThat(r.clientAddress()).isEqualTo(ip("192.0.2.1"));
    assertThat(r.subnet().echo(24).getScopePrefixLength()).isZero();
  }

  @Test
  void udpLimitFollowsTheAdvertisedSizeWithinBounds() throws Exception {
    Message small = query("www.cdn.test.", Type.A, null);
    small.addRecord(new OPTRecord(100, 0, 0), Section.ADDITIONAL);
    assertThat(((Decoded.Query) decode(small, "192.0.2.1")).request().udpLimit()).isEqualTo(512);
    Message mid = query("www.cdn.test.", Type.A, null);
    mid.addRecord(new OPTRecord(1000, 0, 0), Section.ADDITIONAL);
    assertThat(((Decoded.Query) decode(mid, "192.0.2.1")).request().udpLimit()).isEqualTo(1000);
    Message big = query("www.cdn.test.", Type.A, null);
    big.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    assertThat(((Decoded.Query) decode(big, "192.0.2.1")).request().udpLimit()).isEqualTo(1232);
  }

  @Test
  void twoOptRecordsOrTwoSubnetsAreFormErr() {
    Message twoOpt = query("www.cdn.test.", Type.A, "edns");
    twoOpt.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
    Decoded d = QueryDecoder.decode(twoOptWire(twoOpt), ip("192.0.2.1"), Transport.UDP);
    assertThat(((Decoded.Reply) d).response().getRcode()).isEqualTo(Rcode.FORMERR);

    Message twoEcs = query("www.cdn.test.", Type.A, null);
    twoEcs.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            0,
            new ClientSubnetOption(24, ip("1.0.16.0")),
            new ClientSubnetOption(24, ip("81.2.69.0"))),
        Section.ADDITIONAL);
    Decoded e = decode(twoEcs, "192.0.2.1");
    assertThat(((Decoded.Reply) e).response().getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(((Decoded.Reply) e).response().getOPT()).isNotNull();
  }

  /** dnsjava keeps one OPT per message when building, so append a second one to the wire form. */
  private static byte[] twoOptWire(Message m) {
    byte[] one = m.toWire();
    byte[] opt = new OPTRecord(1232, 0, 0).toWire(Section.ADDITIONAL);
    byte[] out = java.util.Arrays.copyOf(one, one.length + opt.length);
    System.arraycopy(opt, 0, out, one.length, opt.length);
    int arcount = ((out[10] & 0xFF) << 8 | (out[11] & 0xFF)) + 1;
    out[10] = (byte) (arcount >> 8);
    out[11] = (byte) arcount;
    return out;
  }

  @Test
  void truncatedMessageIsFormErr() {
    byte[] wire = query("www.cdn.test.", Type.A, null).toWire();
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 3);
    Decoded d = QueryDecoder.decode(cut, ip("192.0.2.1"), Transport.UDP);
    assertThat(((Decoded.Reply) d).response().getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(((Decoded.Reply) d).response().getHeader().getID()).isEqualTo(4242);
  }

  @Test
  void headerOnlyIsDroppedWhenShorter() {
    assertThat(QueryDecoder.decode(new byte[11], ip("192.0.2.1"), Transport.UDP))
        .isInstanceOf(Decoded.Drop.class);
  }
}
