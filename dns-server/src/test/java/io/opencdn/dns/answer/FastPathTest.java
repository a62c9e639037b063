package io.opencdn.dns.answer;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.geo.LocationCache;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.Transport;
import io.opencdn.testing.TestClock;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The fast path ({@link FastQuery}, {@link FastAnswerer}, {@link KeptResponses}) against the full
 * path, on the same handler: for thousands of random queries (names in mixed case, A/AAAA/other
 * types, RD, CD and AD bits, with and without EDNS, payload sizes, Client Subnet options of both
 * families and every prefix length, some invalid; IPv4 and IPv6 resolvers; UDP and TCP) the two
 * must produce the same bytes. And the fast path must actually be taken for the common shapes.
 */
class FastPathTest {

  /** The protocol tests' zones (wildcards, empty non-terminals, a delegation). */
  static final String PROTOCOL_CONFIG = "classpath:protocol-dns.yaml";

  private SnapshotHolder edges;
  private QueryHandler handler;

  @BeforeEach
  void setUp() {
    edges =
        new SnapshotHolder(
            new EdgeSnapshot(
                List.of(
                    edge(
                        "us-east", 39.04, -77.49, "127.0.0.11", "fd00::11", EdgeState.ACTIVE, true),
                    edge("eu-west", 50.11, 8.68, "127.0.0.12", "fd00::12", EdgeState.ACTIVE, true),
                    edge(
                        "ap-northeast",
                        35.68,
                        139.69,
                        "127.0.0.13",
                        null,
                        EdgeState.ACTIVE,
                        true))));
    handler = handler(testConfig(), TEST_CONFIG, edges);
  }

  @Test
  void fastAndFullPathsGiveTheSameBytes() {
    Random rnd = new Random(20261125);
    int fast = 0;
    int cases = 6000;
    for (int i = 0; i < cases; i++) {
      byte[] query = randomQuery(rnd);
      InetAddress resolver =
          rnd.nextInt(4) == 0
              ? ip("2001:db8::" + Integer.toHexString(rnd.nextInt(65536)))
              : ip((1 + rnd.nextInt(222)) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".7");
      Transport transport = rnd.nextInt(5) == 0 ? Transport.TCP : Transport.UDP;
      FastQuery fq = FastQuery.parse(query);
      if (fq != null
          && handler.stage().fast().answer(fq, resolver, transport == Transport.UDP) != null) {
        fast++;
      }
      handler.fastPath(true);
      byte[] viaFast = handler.handle(query, resolver, transport);
      handler.fastPath(false);
      byte[] viaFull = handler.handle(query, resolver, transport);
      String what =
          "query " + HexFormat.of().formatHex(query) + " from " + resolver + " over " + transport;
      assertThat(viaFast).as(what).isEqualTo(viaFull);
    }
    assertThat(fast).as("queries answered by the fast path").isGreaterThan(cases / 4);
  }

  @Test
  void decisionsKeptPerNetworkMatchTheFullPathAndFollowTheEdges() throws Exception {
    LocationCache<KeptAnswer> located = locations();
    QueryHandler h = serverLike(located);
    Random rnd = new Random(7);
    List<byte[]> networks = new java.util.ArrayList<>();
    networks.add(new byte[] {81, 2, 69});
    for (int i = 0; i < 60; i++) {
      networks.add(
          new byte[] {
            (byte) (1 + rnd.nextInt(222)), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)
          });
    }
    EdgeSnapshot all = edges.current();
    for (int round = 0; round < 4; round++) {
      euWestFailsInRoundTwo(round, all);
      for (int i = 0; i < 1500; i++) {
        byte[] net = networks.get(rnd.nextInt(networks.size()));
        String name = rnd.nextInt(4) == 0 ? "multi.big.test" : "www.cdn.test";
        int type = rnd.nextInt(5) == 0 ? Type.AAAA : Type.A;
        byte[] query = query(rnd.nextInt(65536), name, type, 0x01, true, 1232, ecsV4(24, net));
        InetAddress resolver = ip("192.0.2." + (1 + rnd.nextInt(200)));
        h.fastPath(true);
        byte[] viaFast = h.handle(query, resolver, Transport.UDP);
        h.fastPath(false);
        byte[] viaFull = h.handle(query, resolver, Transport.UDP);
        assertThat(viaFast)
            .as("round " + round + " query " + HexFormat.of().formatHex(query))
            .isEqualTo(viaFull);
      }
      h.fastPath(true);
      Message london =
          new Message(
              h.handle(
                  query(
                      1, "www.cdn.test", Type.A, 0, true, 1232, ecsV4(24, new byte[] {81, 2, 69})),
                  ip("192.0.2.1"),
                  Transport.UDP));
      assertThat(section(london, Section.ANSWER))
          .as("London in round " + round)
          .containsExactly(
              round == 2 ? "www.cdn.test. 20 IN A 127.0.0.11" : "www.cdn.test. 20 IN A 127.0.0.12");
    }
    assertThat(located.slot(ip("81.2.69.0")).kept())
        .as("a decision kept for London's /24")
        .isNotNull();
  }

  @Test
  void burstsAnsweredTogetherGiveTheBytesOfQueriesAnsweredOneByOne() throws Exception {
    // two handlers set up as the server is (location cache, Router): one answers bursts through
    // handleAll, which first loads every query's cache entries side by side, the other answers
    // the same queries one by one; an edge fails and returns on the way
    List<LocationCache<KeptAnswer>> caches = List.of(locations(), locations());
    QueryHandler bursts = serverLike(caches.get(0));
    QueryHandler single = serverLike(caches.get(1));
    Random rnd = new Random(11);
    List<byte[]> networks = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      networks.add(
          new byte[] {
            (byte) (1 + rnd.nextInt(222)), (byte) rnd.nextInt(256), (byte) rnd.nextInt(256)
          });
    }
    EdgeSnapshot all = edges.current();
    byte[][] queries = new byte[64][];
    InetAddress[] sources = new InetAddress[64];
    byte[][] responses = new byte[64][];
    int answered = 0;
    for (int round = 0; round < 4; round++) {
      euWestFailsInRoundTwo(round, all);
      for (int b = 0; b < 60; b++) {
        int n = 1 + rnd.nextInt(64);
        for (int i = 0; i < n; i++) {
          int kind = rnd.nextInt(10);
          byte[] net = networks.get(rnd.nextInt(networks.size()));
          queries[i] =
              kind < 5
                  ? query(
                      rnd.nextInt(65536),
                      "www.cdn.test",
                      rnd.nextInt(5) == 0 ? Type.AAAA : Type.A,
                      0x01,
                      true,
                      1232,
                      ecsV4(24, net))
                  : kind < 9
                      ? randomQuery(rnd)
                      : java.util.Arrays.copyOf(
                          randomQuery(rnd), 5 + rnd.nextInt(20)); // cut short: malformed
          sources[i] =
              kind == 6
                  ? ip("2001:db8::" + Integer.toHexString(rnd.nextInt(65536)))
                  : ip(
                      (net[0] & 0xff)
                          + "."
                          + (net[1] & 0xff)
                          + "."
                          + (net[2] & 0xff)
                          + "."
                          + (1 + rnd.nextInt(250)));
        }
        bursts.handleAll(queries, sources, n, Transport.UDP, responses);
        for (int i = 0; i < n; i++) {
          byte[] alone = single.handle(queries[i], sources[i], Transport.UDP);
          assertThat(responses[i])
              .as(
                  "round "
                      + round
                      + " query "
                      + HexFormat.of().formatHex(queries[i])
                      + " from "
                      + sources[i])
              .isEqualTo(alone);
          answered += alone == null ? 0 : 1;
        }
      }
    }
    assertThat(answered).isGreaterThan(4 * 60 * 20);
    assertThat(caches.get(0).size())
        .as("networks cached by the burst handler")
        .isEqualTo(caches.get(1).size())
        .isPositive();
    assertThat(bursts.queries()).isEqualTo(single.queries());
  }

  @Test
  void theDoBitIsCopiedIntoEveryResponseOnEveryPath() throws Exception {
    // geo-routed (fast path), static data (full path, then the kept response), NXDOMAIN (full
    // path, then the template), an error reply; each asked with and without DO, twice
    for (boolean fast : List.of(true, false)) {
      handler.fastPath(fast);
      for (String[] q :
          List.of(
              new String[] {"www.cdn.test", "A"},
              new String[] {"cdn.test", "SOA"},
              new String[] {"nx1.cdn.test", "A"},
              new String[] {"nx2.cdn.test", "A"})) {
        for (int round = 0; round < 2; round++) {
          for (boolean dnssecOk : List.of(true, false)) {
            byte[] query =
                query(
                    7,
                    q[0],
                    Type.value(q[1]),
                    0x01 | (dnssecOk ? 0x8000 : 0),
                    true,
                    1232,
                    q[0].startsWith("www") ? ecsV4(24, new byte[] {81, 2, 69}) : null);
            Message r = new Message(handler.handle(query, ip("192.0.2.1"), Transport.UDP));
            assertThat(r.getOPT()).as("%s %s", q[0], q[1]).isNotNull();
            assertThat((r.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0)
                .as("DO in the answer to %s %s, DO %s, fast %s", q[0], q[1], dnssecOk, fast)
                .isEqualTo(dnssecOk);
          }
        }
      }
    }
    // NOTIMP (opcode STATUS) and BADVERS (EDNS version 1) keep it too
    Message status =
        Message.newQuery(
            org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("cdn.test."), Type.SOA, org.xbill.DNS.DClass.IN));
    status.getHeader().setOpcode(org.xbill.DNS.Opcode.STATUS);
    status.addRecord(
        new org.xbill.DNS.OPTRecord(1232, 0, 0, org.xbill.DNS.ExtendedFlags.DO),
        Section.ADDITIONAL);
    Message notimp = new Message(handler.handle(status.toWire(), ip("192.0.2.1"), Transport.UDP));
    assertThat(notimp.getRcode()).isEqualTo(org.xbill.DNS.Rcode.NOTIMP);
    assertThat(notimp.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO)
        .isEqualTo(org.xbill.DNS.ExtendedFlags.DO);
    Message v1 =
        Message.newQuery(
            org.xbill.DNS.Record.newRecord(
                org.xbill.DNS.Name.fromString("cdn.test."), Type.SOA, org.xbill.DNS.DClass.IN));
    v1.addRecord(
        new org.xbill.DNS.OPTRecord(1232, 0, 1, org.xbill.DNS.ExtendedFlags.DO),
        Section.ADDITIONAL);
    Message badvers = new Message(handler.handle(v1.toWire(), ip("192.0.2.1"), Transport.UDP));
    assertThat(badvers.getRcode()).isEqualTo(org.xbill.DNS.Rcode.BADVERS);
    assertThat(badvers.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO)
        .isEqualTo(org.xbill.DNS.ExtendedFlags.DO);
  }

  @Test
  void nxdomainFromTemplatesGivesTheFullPathsBytes() {
    // three zones: cdn.test (demo), big.test (a delegation, CNAMEs), wild.test (wildcards, empty
    // non-terminals, a delegation, an SOA whose names lie below the apex)
    DnsConfig cfg = testConfig();
    DnsConfig protocol =
        io.opencdn.common.config.ConfigLocation.load(PROTOCOL_CONFIG, DnsConfig.class);
    for (var setup :
        List.of(
            java.util.Map.entry(cfg, TEST_CONFIG),
            java.util.Map.entry(protocol, PROTOCOL_CONFIG))) {
      QueryHandler h = handler(setup.getKey(), setup.getValue(), edges);
      String[] zones =
          setup.getKey() == cfg
              ? new String[] {"cdn.test", "big.test"}
              : new String[] {"wild.test"};
      String[] existing = {
        "www",
        "ns1",
        "hostmaster",
        "sub",
        "b",
        "a.b",
        "c",
        "x.c",
        "deleg",
        "ns.deleg",
        "x.sub",
        "alias",
        "multi",
        "txt",
        "static",
        "cn",
        "y.cn"
      };
      Random rnd = new Random(99);
      int negative = 0;
      int cases = 4000;
      for (int i = 0; i < cases; i++) {
        String zone = zones[rnd.nextInt(zones.length)];
        String name =
            switch (rnd.nextInt(6)) {
              case 0 -> existing[rnd.nextInt(existing.length)] + "." + zone;
              case 1 ->
                  "nx"
                      + rnd.nextInt(1000)
                      + "."
                      + existing[rnd.nextInt(existing.length)]
                      + "."
                      + zone;
              case 2 ->
                  randomLabels(rnd, 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 60 : 3)) + "." + zone;
              default -> "nx" + rnd.nextInt(1_000_000) + "." + zone;
            };
        if (name.length() > 253) {
          name = name.substring(name.length() - 253).replaceFirst("^[^.]*\\.", "");
        }
        name = rnd.nextBoolean() ? name.toUpperCase() : name;
        int[] types = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.DS, Type.NS, Type.ANY};
        int type = types[rnd.nextInt(types.length)];
        int flags =
            (rnd.nextBoolean() ? 0x01 : 0)
                | (rnd.nextInt(4) == 0 ? 0x1000 : 0)
                | (rnd.nextInt(4) == 0 ? 0x8000 : 0);
        boolean edns = rnd.nextInt(3) != 0;
        int payload = rnd.nextInt(4) == 0 ? 512 + rnd.nextInt(200) : 1232;
        byte[] query = query(rnd.nextInt(65536), name, type, flags, edns, payload, null);
        Transport transport = rnd.nextInt(6) == 0 ? Transport.TCP : Transport.UDP;
        FastQuery fq = FastQuery.parse(query);
        if (fq != null && h.stage().kept().negative(fq, transport == Transport.UDP) != null) {
          negative++;
        }
        h.fastPath(true);
        byte[] viaFast = h.handle(query, ip("192.0.2.1"), transport);
        h.fastPath(false);
        byte[] viaFull = h.handle(query, ip("192.0.2.1"), transport);
        assertThat(viaFast)
            .as("query %s over %s", HexFormat.of().formatHex(query), transport)
            .isEqualTo(viaFull);
      }
      // wild.test answers most missing names from its wildcards: NXDOMAIN only below sub, b, ...
      assertThat(negative)
          .as("NXDOMAIN written from templates in %s", List.of(zones))
          .isGreaterThan(setup.getKey() == cfg ? cases / 3 : cases / 50);
    }
  }

  private static String randomLabels(Random rnd, int count) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        b.append('.');
      }
      int len = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 63 : 8);
      for (int j = 0; j < len; j++) {
        b.append((char) ('a' + rnd.nextInt(26)));
      }
    }
    return b.toString();
  }

  @Test
  void theFastPathAnswersTheGeoNameWithTheNearestEdgeAndTheEcsScope() throws Exception {
    byte[] query =
        query(0x1234, "wWw.CDN.test", Type.A, 0x01, true, 1232, ecsV4(24, new byte[] {81, 2, 69}));
    FastQuery fq = FastQuery.parse(query);
    assertThat(fq).isNotNull();
    assertThat(handler.stage().fast().answer(fq, ip("192.0.2.1"), true)).isNotNull();
    Message r = new Message(handler.handle(query, ip("192.0.2.1"), Transport.UDP));
    assertThat(r.getHeader().getID()).isEqualTo(0x1234);
    assertThat(r.getQuestion().getName().toString()).isEqualTo("wWw.CDN.test.");
    assertThat(section(r, Section.ANSWER)).containsExactly("wWw.CDN.test. 20 IN A 127.0.0.12");
    assertThat(r.getOPT().getOptions().get(0).toString())
        .contains("81.2.69.0/24, scope netmask 22"); // the GeoLite2 network that decided
  }

  @Test
  void onlyTheCommonShapeIsParsed() {
    byte[] ok = query(1, "www.cdn.test", Type.A, 0, true, 4096, ecsV4(24, new byte[] {1, 2, 3}));
    assertThat(FastQuery.parse(ok)).isNotNull();
    assertThat(FastQuery.parse(query(1, "www.cdn.test", Type.A, 0, false, 0, null)).udpLimit())
        .isEqualTo(512);
    assertThat(FastQuery.parse(ok).udpLimit()).isEqualTo(1232);
    // QR set, opcode other than QUERY, two questions, trailing bytes, truncated
    assertThat(FastQuery.parse(with(ok, 2, (byte) 0x80))).isNull();
    assertThat(FastQuery.parse(with(ok, 2, (byte) 0x10))).isNull();
    assertThat(FastQuery.parse(with(ok, 5, (byte) 2))).isNull();
    assertThat(FastQuery.parse(java.util.Arrays.copyOf(ok, ok.length + 1))).isNull();
    assertThat(FastQuery.parse(java.util.Arrays.copyOf(ok, ok.length - 1))).isNull();
    // a compression pointer in the question, class CH
    assertThat(FastQuery.parse(with(ok, 12, (byte) 0xC0))).isNull();
    byte[] ch = query(1, "www.cdn.test", Type.A, 0, false, 0, null);
    ch[ch.length - 1] = 3;
    assertThat(FastQuery.parse(ch)).isNull();
    // EDNS version 1, ECS with a scope, with address bits beyond the prefix, with a short address
    int opt = 12 + 14 + 4;
    assertThat(FastQuery.parse(with(ok, opt + 6, (byte) 1))).isNull();
    assertThat(FastQuery.parse(with(ok, ok.length - 4, (byte) 8))).isNull();
    assertThat(
            FastQuery.parse(
                query(1, "www.cdn.test", Type.A, 0, true, 1232, ecsV4(23, new byte[] {1, 2, 3}))))
        .isNull();
    assertThat(
            FastQuery.parse(
                query(1, "www.cdn.test", Type.A, 0, true, 1232, ecsV4(24, new byte[] {1, 2}))))
        .isNull();
  }

  private static byte[] with(byte[] wire, int at, byte value) {
    byte[] copy = wire.clone();
    copy[at] = value;
    return copy;
  }

  /**
   * A handler wired as the server is: {@code located} (whose slots keep the fast path's decisions)
   * and the Router with its decision cache, over this test's edges.
   */
  private QueryHandler serverLike(LocationCache<KeptAnswer> located) {
    return new QueryHandler(stage(testConfig(), TEST_CONFIG, located, edges, new TestClock()));
  }

  /**
   * In round 2 eu-west fails its health checks (kept decisions naming it must not be reused); in
   * round 3 it is back as {@code all} has it.
   */
  private void euWestFailsInRoundTwo(int round, EdgeSnapshot all) {
    if (round == 2) {
      edges.publish(
          new EdgeSnapshot(
              all.edges().stream()
                  .map(e -> e.id().equals("eu-west") ? e.withHealthy(false) : e)
                  .toList()));
    } else if (round == 3) {
      edges.publish(all);
    }
  }

  private static byte[] randomQuery(Random rnd) {
    String[] names = {
      "www.cdn.test",
      "WWW.cdn.TEST",
      "wWw.CdN.tEsT",
      "multi.big.test",
      "MULTI.BIG.TEST",
      "cdn.test",
      "static.cdn.test",
      "nothere.cdn.test",
      "example.org"
    };
    int[] types = {Type.A, Type.A, Type.A, Type.AAAA, Type.AAAA, Type.MX, Type.ANY, Type.TXT};
    String name = names[rnd.nextInt(names.length)];
    int type = types[rnd.nextInt(types.length)];
    int flags =
        (rnd.nextBoolean() ? 0x01 : 0)
            | (rnd.nextInt(4) == 0 ? 0x1000 : 0)
            | (rnd.nextInt(4) == 0 ? 0x2000 : 0)
            | (rnd.nextInt(4) == 0 ? 0x8000 : 0);
    boolean edns = rnd.nextInt(4) != 0;
    int payload = rnd.nextInt(3) == 0 ? rnd.nextInt(5000) : 1232;
    byte[] ecs = null;
    if (edns && rnd.nextInt(3) != 0) {
      boolean v6 = rnd.nextInt(3) == 0;
      int source = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt((v6 ? 128 : 32) + 1);
      byte[] address = new byte[(source + 7) / 8];
      rnd.nextBytes(address);
      if (source % 8 != 0 && rnd.nextInt(10) != 0) {
        address[address.length - 1] &= (byte) (0xFF << (8 - source % 8));
      }
      if (!v6 && address.length > 0 && rnd.nextInt(10) != 0) {
        address[0] = (byte) (1 + rnd.nextInt(222)); // mostly public-looking networks
      }
      ecs = v6 ? ecs(2, source, address) : ecsV4(source, address);
      if (rnd.nextInt(20) == 0) {
        ecs[7] = (byte) rnd.nextInt(33); // a scope in the query: for the full path to judge
      }
    }
    return query(rnd.nextInt(65536), name, type, flags, edns, payload, ecs);
  }

  static byte[] ecsV4(int source, byte[] address) {
    return ecs(1, source, address);
  }

  static byte[] ecs(int family, int source, byte[] address) {
    byte[] o = new byte[8 + address.length];
    o[1] = 8;
    o[3] = (byte) (4 + address.length);
    o[5] = (byte) family;
    o[6] = (byte) source;
    System.arraycopy(address, 0, o, 8, address.length);
    return o;
  }

  /**
   * A query on the wire; {@code flags}: 0x01 sets RD, 0x1000 CD, 0x2000 AD, 0x8000 DO (with EDNS).
   */
  static byte[] query(
      int id, String name, int type, int flags, boolean edns, int payload, byte[] ecsOption) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(id >>> 8);
    out.write(id);
    out.write(flags & 0x01);
    out.write((flags >>> 8) & 0x30);
    out.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, (byte) (edns ? 1 : 0)});
    for (String label : name.split("\\.")) {
      out.write(label.length());
      out.writeBytes(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    out.write(0);
    out.writeBytes(new byte[] {(byte) (type >>> 8), (byte) type, 0, 1});
    if (edns) {
      byte[] options = ecsOption == null ? new byte[0] : ecsOption;
      out.writeBytes(
          new byte[] {
            0,
            0,
            41,
            (byte) (payload >>> 8),
            (byte) payload,
            0,
            0,
            (byte) ((flags & 0x8000) != 0 ? 0x80 : 0),
            0,
            (byte) (options.length >>> 8),
            (byte) options.length
          });
      out.writeBytes(options);
    }
    return out.toByteArray();
  }
}
