package io.opencdn.dns;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.answer.KeptAnswer;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.StaticEdge;
import io.opencdn.dns.geo.CountryCentroids;
import io.opencdn.dns.geo.CoverageZones;
import io.opencdn.dns.geo.GeoDatabase;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.geo.LocationChain;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.zone.ZoneSet;
import io.opencdn.testing.TestClock;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Shared fixtures: the real embedded GeoLite2 City database, the demo edges, the query path as the
 * server builds it (production constructors), query builders.
 */
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

  /**
   * A location cache in front of the embedded City database, without coverage zones or default, as
   * the server builds it.
   */
  public static LocationCache<KeptAnswer> locations() {
    return new LocationCache<>(
        new LocationChain(CoverageZones.EMPTY, geo()::lookup, CountryCentroids.embedded(), null));
  }

  /**
   * The answer stage the server builds for {@code config} (zones relative to {@code location}):
   * {@code locations}, the config's router without latency measurements at {@code clock}'s time,
   * and {@code edges}.
   */
  public static AnswerStage stage(
      DnsConfig config,
      String location,
      LocationCache<KeptAnswer> locations,
      EdgeSnapshotSource edges,
      Clock clock) {
    return AnswerStage.of(
        ZoneSet.load(config.zones(), location),
        config.routing(),
        locations,
        edges,
        Router.of(config.routing(), LatencySource.NONE, clock));
  }

  /**
   * The query path (no rate limiting) of {@code config} over {@code edges}, with a location cache
   * of its own.
   */
  public static QueryHandler handler(DnsConfig config, String location, EdgeSnapshotSource edges) {
    return new QueryHandler(stage(config, location, locations(), edges, new TestClock()));
  }

  /**
   * An ACTIVE edge record as an edge registers itself in the cluster: IPv4 only, load 0, heartbeat
   * now, signed with {@code mac}.
   */
  public static EdgeRecord signedEdge(
      String id,
      String region,
      double lat,
      double lon,
      String v4,
      int port,
      double capacity,
      String memberUuid,
      RecordMac mac) {
    return new EdgeRecord(
            id,
            region,
            lat,
            lon,
            v4,
            null,
            port,
            capacity,
            0,
            EdgeState.ACTIVE,
            memberUuid,
            System.currentTimeMillis())
        .signed(mac);
  }

  public static Edge edge(
      String id, double lat, double lon, String v4, String v6, EdgeState state, boolean healthy) {
    try {
      return new Edge(
          id,
          lat,
          lon,
          v4 == null ? null : (Inet4Address) InetAddress.getByName(v4),
          v6 == null ? null : (Inet6Address) InetAddress.getByName(v6),
          state,
          healthy);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public static final Edge US_EAST =
      edge("us-east", 39.04, -77.49, "127.0.0.11", null, EdgeState.ACTIVE, true);
  public static final Edge EU_WEST =
      edge("eu-west", 50.11, 8.68, "127.0.0.12", null, EdgeState.ACTIVE, true);
  public static final Edge AP_NORTHEAST =
      edge("ap-northeast", 35.68, 139.69, "127.0.0.13", null, EdgeState.ACTIVE, true);

  /**
   * {@code config} with the three demo edges as static edges without health checks (always up), as
   * a server without a cluster learns them (through its edge directory).
   */
  public static DnsConfig withDemoEdges(DnsConfig config) {
    return config.withEdges(
        List.of(
            new StaticEdge(
                "us-east", null, 39.04, -77.49, "127.0.0.11", null, null, null, null, null, null),
            new StaticEdge(
                "eu-west", null, 50.11, 8.68, "127.0.0.12", null, null, null, null, null, null),
            new StaticEdge(
                "ap-northeast",
                null,
                35.68,
                139.69,
                "127.0.0.13",
                null,
                null,
                null,
                null,
                null,
                null)));
  }

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

  /**
   * A query; {@code ecs} like {@code 81.2.69.0/24} adds EDNS with Client Subnet, "edns" adds plain
   * EDNS, null neither.
   */
  public static Message query(String name, int type, String ecs) {
    try {
      Message q =
          Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
      q.getHeader().setID(4242);
      if ("edns".equals(ecs)) {
        q.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
      } else if (ecs != null) {
        String[] p = ecs.split("/");
        q.addRecord(
            new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(Integer.parseInt(p[1]), ip(p[0]))),
            Section.ADDITIONAL);
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
    return m.getSection(section).stream()
        .filter(r -> r.getType() != org.xbill.DNS.Type.OPT)
        .map(r -> r.toString().replaceAll("\\s+", " "))
        .toList();
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
  public static boolean eventually(long millis, BooleanSupplier condition)
      throws InterruptedException {
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
