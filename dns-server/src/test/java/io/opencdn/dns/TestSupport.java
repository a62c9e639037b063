package io.opencdn.dns;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Shared fixtures: the real embedded GeoLite2 City database, the demo edges, query builders. */
public final class TestSupport {

  public static final String TEST_CONFIG = "classpath:test-dns.yaml";

  private static GeoDatabase geo;

  private TestSupport() {}

  /** The embedded database, loaded once per JVM (63 MB). */
  public static synchronized GeoDatabase geo() {
    if (geo == null) {
      geo = GeoDatabase.embedded();
    }
    return geo;
  }

  public static DnsConfig testConfig() {
    return ConfigLocation.load(TEST_CONFIG, DnsConfig.class);
  }

  public static Edge edge(String id, double lat, double lon, String v4, String v6, EdgeState state, boolean healthy) {
    try {
      return new Edge(id, lat, lon, v4 == null ? null : (Inet4Address) InetAddress.getByName(v4),
          v6 == null ? null : (Inet6Address) InetAddress.getByName(v6), state, healthy);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public static final Edge US_EAST = edge("us-east", 39.04, -77.49, "127.0.0.11", null, EdgeState.ACTIVE, true);
  public static final Edge EU_WEST = edge("eu-west", 50.11, 8.68, "127.0.0.12", null, EdgeState.ACTIVE, true);
  public static final Edge AP_NORTHEAST = edge("ap-northeast", 35.68, 139.69, "127.0.0.13", null, EdgeState.ACTIVE, true);

  /** The three demo edges, all ACTIVE and healthy. */
  public static EdgeSnapshot demoEdges() {
    return new EdgeSnapshot(List.of(US_EAST, EU_WEST, AP_NORTHEAST));
  }

  public static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A query; {@code ecs} like {@code 81.2.69.0/24} adds EDNS with Client Subnet, "edns" adds plain EDNS, null neither. */
  public static Message query(String name, int type, String ecs) {
    try {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
      q.getHeader().setID(4242);
      if ("edns".equals(ecs)) {
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
      } else if (ecs != null) {
        String[] p = ecs.split("/");
        q.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(Integer.parseInt(p[1]), ip(p[0]))), Section.ADDITIONAL);
      }
      return q;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Message parse(byte[] wire) {
    try {
      return new Message(wire);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A section as zone-file lines (dnsjava's {@code Record.toString()}, whitespace collapsed). */
  public static List<String> section(Message m, int section) {
    return m.getSection(section).stream().filter(r -> r.getType() != org.xbill.DNS.Type.OPT)
        .map(r -> r.toString().replaceAll("\\s+", " ")).toList();
  }

  /** The Client Subnet option of a response, or null. */
  public static ClientSubnetOption ecs(Message m) {
    OPTRecord opt = m.getOPT();
    if (opt == null) {
      return null;
    }
    List<org.xbill.DNS.EDNSOption> o = opt.getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET);
    return o.isEmpty() ? null : (ClientSubnetOption) o.get(0);
  }

  /** Polls {@code condition} every 20 ms until it holds or {@code millis} pass. */
  public static boolean eventually(long millis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
