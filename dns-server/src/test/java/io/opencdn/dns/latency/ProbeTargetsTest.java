package io.opencdn.dns.latency;

import static io.opencdn.dns.TestSupport.*;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.ProbeTarget;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.OneMemberTest;
import io.opencdn.dns.wire.Decoded;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.Transport;
import io.opencdn.testing.TestClock;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** Probe targets written into the map of a real Hazelcast member. */
class ProbeTargetsTest extends OneMemberTest {

  @AfterEach
  void clear() {
    hz.getMap(ClusterMaps.LATENCY_TARGETS).clear();
    hz.getMap(ClusterMaps.EDGES).clear();
  }

  static Request request(String ecs, String resolver) {
    Decoded d =
        QueryDecoder.decode(
            query("www.cdn.test.", Type.A, ecs).toWire(), ip(resolver), Transport.UDP);
    return ((Decoded.Query) d).request();
  }

  @Test
  void writesThePrefixWithTheEcsAddressOrTheResolver() {
    TestClock clock = new TestClock();
    ProbeTargets t = new ProbeTargets(vertx, hz, clock, ProbeTargets.Limits.DEFAULTS, mac);
    t.record(request("81.2.69.0/24", "192.0.2.53").clientAddress());
    t.record(request(null, "93.184.216.7").clientAddress());
    t.record(request(null, "2a02:6b8:1:2::53").clientAddress());
    assertThat(t.drain()).isEqualTo(3);
    var map = hz.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS);
    assertThat(map.get("81.2.69.0/24"))
        .isEqualTo(value("81.2.69.0/24", "81.2.69.0", 1700000000000L));
    assertThat(map.get("93.184.216.0/24"))
        .isEqualTo(value("93.184.216.0/24", "93.184.216.7", 1700000000000L));
    assertThat(map.get("2a02:6b8:1::/48").address()).isEqualTo("2a02:6b8:1:2:0:0:0:53");
    assertThat(map.getEntryView("81.2.69.0/24").getTtl()).isEqualTo(600_000L);
    assertThat(t.pending()).isZero();
  }

  @Test
  void clientSubnetsOfPrivateLoopbackAndReservedRangesAreNeverTargets() {
    TestClock clock = new TestClock();
    ProbeTargets t = new ProbeTargets(vertx, hz, clock, ProbeTargets.Limits.DEFAULTS, mac);
    for (String ecs :
        List.of(
            "10.1.2.0/24",
            "192.168.1.0/24",
            "172.16.5.0/24",
            "127.0.0.0/24",
            "169.254.1.0/24",
            "100.64.0.0/24",
            "192.0.2.0/24",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "198.18.0.0/24",
            "0.0.0.0/24",
            "224.0.0.0/24",
            "240.0.0.0/24",
            "fd00:1::/48",
            "fe80::/64",
            "2001:db8:1::/48",
            "ff02::/16",
            "::1/128")) {
      t.record(request(ecs, "81.2.69.1").clientAddress());
    }
    t.record(ip("10.0.0.53")); // a resolver in a private network
    t.record(ip("::ffff:192.168.0.1"));

    assertThat(t.pending()).isZero();
    assertThat(t.ignored()).isEqualTo(20);
    assertThat(t.drain()).isZero();
    assertThat(hz.getMap(ClusterMaps.LATENCY_TARGETS).size()).isZero();
  }

  @Test
  void aLabMayAllowPrivateTargets() {
    ProbeTargets t =
        new ProbeTargets(vertx, hz, new TestClock(), ProbeTargets.Limits.DEFAULTS, mac, true);
    t.record(request("10.213.0.100/32", "127.0.0.1").clientAddress());

    assertThat(t.drain()).isEqualTo(1);
    assertThat(
            hz.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS)
                .get("10.213.0.0/24")
                .address())
        .isEqualTo("10.213.0.100");
  }

  @Test
  void capsWritesPerDrainAndRewritesAPrefixOnlyAfterTheRewritePeriod() {
    TestClock clock = new TestClock();
    ProbeTargets t =
        new ProbeTargets(vertx, hz, clock, new ProbeTargets.Limits(5, 2, 1000, 60_000, 600), mac);
    for (int i = 0; i < 10; i++) {
      t.record(ip("203.0." + i + ".1"));
    }
    assertThat(t.pending()).isEqualTo(5); // bounded: the rest is dropped
    assertThat(t.drain()).isEqualTo(2);
    assertThat(t.drain()).isEqualTo(2);
    assertThat(t.drain()).isEqualTo(1);
    assertThat(t.drain()).isZero();
    assertThat(hz.getMap(ClusterMaps.LATENCY_TARGETS).size()).isEqualTo(5);

    t.record(ip("203.0.0.9")); // written moments ago: skipped
    assertThat(t.pending()).isZero();
    clock.advance(60_000);
    t.record(ip("203.0.0.9"));
    assertThat(t.drain()).isEqualTo(1);
    assertThat(hz.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS).get("203.0.0.0/24"))
        .isEqualTo(value("203.0.0.0/24", "203.0.0.9", 1700000060000L));
  }

  /** The value of a target as the edges expect it: tagged over the prefix, address and time. */
  static ProbeTarget value(String prefix, String address, long seen) {
    ProbeTarget t = new ProbeTarget(address, seen).signed(mac, prefix);
    assertThat(t.authentic(mac, prefix)).isTrue();
    return t;
  }

  @Test
  void nothingIsWrittenWhileNoDataMemberIsUp() throws Exception {
    TestCluster lone = TestCluster.builder("dns-targets-lite").timing(1000, 5000).lite(0).start();
    HazelcastInstance lite = lone.member(0);
    try {
      ProbeTargets t =
          new ProbeTargets(vertx, lite, new TestClock(), ProbeTargets.Limits.DEFAULTS, mac);
      t.record(ip("81.2.69.7"));
      assertThat(t.drain()).isZero();
      assertThat(t.pending()).as("kept until an edge is up").isEqualTo(1);
    } finally {
      lone.close();
    }
  }

  @Test
  void aServerPublishesTheClientsOfGeoRoutedQueriesOnly() throws Exception {
    hz.<String, EdgeRecord>getMap(ClusterMaps.EDGES)
        .put(
            "eu-west",
            signedEdge("eu-west", "eu", 50.11, 8.68, "127.0.0.12", 1, 0, memberUuid(), mac));
    DnsServer server = geoServer("targets.yaml");
    int port = await(server.start(), SLOW);
    try {
      ask(port, "cdn.test.", "93.184.216.0/24"); // zone data: not a target
      ask(port, "www.cdn.test.", "192.168.7.0/24"); // a private network: never a target
      ask(port, "www.cdn.test.", "81.2.69.0/24");
      var map = hz.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS);
      assertThat(eventually(5000, () -> map.containsKey("81.2.69.0/24"))).isTrue();
      assertThat(map.get("81.2.69.0/24").address()).isEqualTo("81.2.69.0");
      assertThat(map.get("81.2.69.0/24").authentic(mac, "81.2.69.0/24")).isTrue();
      assertThat(map.containsKey("93.184.216.0/24")).isFalse();
      assertThat(map.containsKey("192.168.7.0/24")).isFalse();
      assertThat(server.probeTargets().ignored()).isEqualTo(1);
      assertThat(server.probeTargets()).isNotNull();
    } finally {
      await(server.stop(), SLOW);
    }
  }

  static void ask(int port, String name, String ecs) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(3000);
      byte[] wire = query(name, Type.A, ecs).toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      socket.receive(new DatagramPacket(buf, buf.length));
    }
  }
}
