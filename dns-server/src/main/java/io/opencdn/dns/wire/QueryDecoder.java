package io.opencdn.dns.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * First stage after the listener: parses a message with dnsjava and checks that it is a query this
 * server answers. In order:
 *
 * <ol>
 *   <li>shorter than a header (12 bytes), or a response (QR set): dropped, never answered;
 *   <li>unparseable: FORMERR echoing the ID (RFC 1035 4.1.1); an invalid Client Subnet option is a
 *       parse error too (RFC 7871 7.1.2);
 *   <li>opcode other than QUERY: NOTIMP;
 *   <li>QDCOUNT other than 1, several OPT records, several Client Subnet options: FORMERR (RFC 6891
 *       6.1.1, RFC 7871 6);
 *   <li>EDNS version above 0: BADVERS (RFC 6891 6.1.3);
 *   <li>class other than IN, or a zone transfer: REFUSED.
 * </ol>
 */
public final class QueryDecoder {

  private static final int HEADER_LENGTH = 12;

  private QueryDecoder() {}

  /** Decodes {@code wire} received from {@code source} over {@code transport}. */
  public static Decoded decode(byte[] wire, InetAddress source, Transport transport) {
    if (wire.length < HEADER_LENGTH) {
      return new Decoded.Drop("shorter than a DNS header");
    }
    if ((wire[2] & 0x80) != 0) {
      return new Decoded.Drop("a response, not a query");
    }
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException | RuntimeException e) {
      return new Decoded.Reply(Responses.formErr(wire), Edns.CLASSIC_UDP_SIZE);
    }
    List<Record> opts =
        query.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.OPT).toList();
    OPTRecord opt = opts.isEmpty() ? null : (OPTRecord) opts.get(0);
    int udpLimit = Edns.udpLimit(opt);
    int opcode = query.getHeader().getOpcode();
    if (opcode != Opcode.QUERY) {
      return reply(query, Rcode.NOTIMP, opt, udpLimit);
    }
    // dnsjava may accept a header count its parser did not fill (e.g. an unknown label type): no
    // question is FORMERR
    if (query.getHeader().getCount(Section.QUESTION) != 1
        || query.getQuestion() == null
        || opts.size() > 1) {
      return reply(query, Rcode.FORMERR, opt, udpLimit);
    }
    if (opt != null && opt.getVersion() > 0) {
      return reply(query, Rcode.BADVERS, opt, udpLimit);
    }
    ClientSubnet subnet = null;
    if (opt != null) {
      List<EDNSOption> ecs = opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
      if (ecs.size() > 1) {
        return reply(query, Rcode.FORMERR, opt, udpLimit);
      }
      if (ecs.size() == 1) {
        subnet = ClientSubnet.of((ClientSubnetOption) ecs.get(0));
      }
    }
    Record question = query.getQuestion();
    int type = question.getType();
    if (question.getDClass() != DClass.IN || type == Type.AXFR || type == Type.IXFR) {
      return reply(query, Rcode.REFUSED, opt, udpLimit);
    }
    return new Decoded.Query(
        new Request(query, question, source, transport, opt != null, udpLimit, subnet));
  }

  private static Decoded reply(Message query, int rcode, OPTRecord opt, int udpLimit) {
    Message response = Responses.error(query, rcode);
    if (opt != null) {
      response.addRecord(Edns.responseOpt(rcode, Edns.dnssecOk(opt)), Section.ADDITIONAL);
    }
    return new Decoded.Reply(response, udpLimit);
  }
}
