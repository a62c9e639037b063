package io.opencdn.dns.wire;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/** Response skeletons: ID, opcode, RD and the question copied from the query (RFC 1035 4.1.1). */
public final class Responses {

  private Responses() {}

  /** An empty NOERROR response to {@code query}, question included when there is exactly one. */
  public static Message empty(Message query) {
    Header qh = query.getHeader();
    Message response = new Message(qh.getID());
    Header h = response.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode(qh.getOpcode());
    if (qh.getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    if (qh.getFlag(Flags.CD)) {
      h.setFlag(Flags.CD);
    }
    if (qh.getCount(Section.QUESTION) == 1 && query.getQuestion() != null) {
      response.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return response;
  }

  /** An error response; the header carries the low 4 bits of {@code rcode} (see {@link Edns}). */
  public static Message error(Message query, int rcode) {
    Message response = empty(query);
    response.getHeader().setRcode(Edns.headerRcode(rcode));
    return response;
  }

  /** FORMERR for bytes that did not parse: only the ID and opcode of the raw header are echoed. */
  public static Message formErr(byte[] wire) {
    int id = ((wire[0] & 0xFF) << 8) | (wire[1] & 0xFF);
    Message response = new Message(id);
    Header h = response.getHeader();
    h.setFlag(Flags.QR);
    h.setOpcode((wire[2] >>> 3) & 0xF);
    h.setRcode(Rcode.FORMERR);
    return response;
  }
}
