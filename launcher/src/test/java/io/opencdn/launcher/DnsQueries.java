package io.opencdn.launcher;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Queries to a DNS server on 127.0.0.1 with an EDNS Client Subnet, as {@code dig +subnet=...} sends
 * them.
 */
final class DnsQueries {

  private DnsQueries() {}

  /**
   * A query for {@code name}/{@code type} over TCP (not rate-limited) for the client network {@code
   * subnet}.
   */
  static Message ask(int port, String name, int type, String subnet) throws Exception {
    SimpleResolver r = new SimpleResolver(InetAddress.getByName("127.0.0.1"));
    r.setPort(port);
    r.setTCP(true);
    r.setTimeout(Duration.ofSeconds(3));
    return r.send(query(name, type, subnet));
  }

  static List<String> a(int port, String name, String subnet) throws Exception {
    return ask(port, name, Type.A, subnet).getSection(Section.ANSWER).stream()
        .filter(x -> x instanceof ARecord)
        .map(x -> ((ARecord) x).getAddress().getHostAddress())
        .toList();
  }

  static List<String> aaaa(int port, String name, String subnet) throws Exception {
    return ask(port, name, Type.AAAA, subnet).getSection(Section.ANSWER).stream()
        .filter(x -> x instanceof AAAARecord)
        .map(x -> ((AAAARecord) x).getAddress().getHostAddress().replace("0:0:0:0:0:0:0:1", "::1"))
        .toList();
  }

  static List<Long> ttls(int port, String name, String subnet) throws Exception {
    return ask(port, name, Type.A, subnet).getSection(Section.ANSWER).stream()
        .map(Record::getTTL)
        .toList();
  }

  private static Message query(String name, int type, String subnet) throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    String[] p = subnet.split("/");
    q.addRecord(
        new OPTRecord(
            1232,
            0,
            0,
            0,
            List.of(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])))),
        Section.ADDITIONAL);
    return q;
  }
}
