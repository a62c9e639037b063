package io.opencdn.edge.cluster.latency;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.cluster.ProbeTarget;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.edge.config.LatencyConfig;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rounds of the prober against a fake connector and a real Hazelcast member. */
class LatencyProberTest {

  private static TestCluster cluster;
  private static HazelcastInstance hz;
  private static Vertx vertx;
  private static RecordMac mac;

  /**
   * Answers each address with the next of its scripted RTTs (absent = timeout) and records the
   * calls.
   */
  static final class FakeConnector implements Connector {
    final Map<String, List<Double>> script = new HashMap<>();
    final List<List<InetSocketAddress>> calls = new ArrayList<>();
    final List<InetAddress> sources = new ArrayList<>();

    @Override
    public Map<InetSocketAddress, Double> measure(
        List<InetSocketAddress> targets, InetAddress source, long timeoutMillis) {
      calls.add(List.copyOf(targets));
      sources.add(source);
      Map<InetSocketAddress, Double> out = new HashMap<>();
      for (InetSocketAddress t : targets) {
        List<Double> rtts = script.getOrDefault(t.getAddress().getHostAddress(), List.of());
        if (!rtts.isEmpty()) {
          Double rtt = rtts.remove(0);
          if (rtt != null) {
            out.put(t, rtt);
          }
        }
      }
      return out;
    }
  }

  @BeforeAll
  static void startMember() {
    cluster = TestCluster.builder("edge-latency-test").timing(1000, 5000).start();
    ClusterConfig cfg = cluster.config(0);
    hz = cluster.member(0);
    mac = cluster.mac();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
    cluster.close();
  }

  @AfterEach
  void clear() {
    hz.getMap(ClusterMaps.LATENCY_TARGETS).clear();
    hz.getMap(ClusterMaps.LATENCY).clear();
  }

  static LatencyConfig config(int maxTargets, String source) {
    return new LatencyConfig(true, 5000, maxTargets, 53, 1000, source);
  }

  static void target(String prefix, String address, long seen) {
    hz.getMap(ClusterMaps.LATENCY_TARGETS).put(prefix, targetValue(prefix, address, seen, mac));
  }

  /** A target as the DNS servers write it, tagged with {@code key}. */
  static ProbeTarget targetValue(String prefix, String address, long seen, RecordMac key) {
    return new ProbeTarget(address, seen).signed(key, prefix);
  }

  /** A measurement as the DNS servers expect it. */
  static LatencySample sample(LatencyKey key, double rtt, long at) {
    LatencySample s = new LatencySample(rtt, at).signed(mac, key);
    assertThat(s.authentic(mac, key)).isTrue();
    return s;
  }

  static LatencyProber prober(
      String edge, LatencyConfig config, Connector connector, java.time.Clock clock) {
    return new LatencyProber(vertx, hz, edge, config, connector, clock, new RecordCheck(mac));
  }

  @Test
  void smoothsSamplesWithAnEwmaAndPublishesThemWithATtl() {
    TestClock clock = new TestClock(Instant.ofEpochMilli(1_700_000_000_000L));
    FakeConnector fake = new FakeConnector();
    fake.script.put("81.2.69.7", new ArrayList<>(java.util.Arrays.asList(100.0, 50.0, null, 10.0)));
    target("81.2.69.0/24", "81.2.69.7", clock.millis() - 1000);
    LatencyProber prober = prober("eu-west", config(200, "127.0.0.1"), fake, clock);
    var latency = hz.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY);
    LatencyKey key = new LatencyKey("81.2.69.0/24", "eu-west");

    assertThat(await(prober.round())).isEqualTo(1);
    assertThat(latency.get(key)).isEqualTo(sample(key, 100.0, 1700000000000L));
    assertThat(latency.getEntryView(key).getTtl()).isEqualTo(60_000L);

    clock.advance(Duration.ofSeconds(5));
    await(prober.round());
    assertThat(prober.smoothed("81.2.69.0/24")).isEqualTo(85.0); // 0.7 * 100 + 0.3 * 50
    assertThat(latency.get(key)).isEqualTo(sample(key, 85.0, 1700000005000L));

    clock.advance(Duration.ofSeconds(5));
    assertThat(await(prober.round())).isZero(); // timeout: no sample, the old value stays
    assertThat(latency.get(key)).isEqualTo(sample(key, 85.0, 1700000005000L));

    clock.advance(Duration.ofSeconds(5));
    await(prober.round());
    assertThat(prober.smoothed("81.2.69.0/24"))
        .isCloseTo(62.5, org.assertj.core.data.Offset.offset(1e-9)); // 0.7*85 + 0.3*10
    assertThat(fake.calls.get(0)).containsExactly(new InetSocketAddress("81.2.69.7", 53));
    assertThat(fake.sources).allMatch(a -> a.getHostAddress().equals("127.0.0.1"));
    assertThat(prober.rounds()).isEqualTo(4);
  }

  @Test
  void probesTheMostRecentlySeenTargetsUpToMaxTargetsAndSkipsBadEntries() {
    FakeConnector fake = new FakeConnector();
    target("198.51.100.0/24", "198.51.100.1", 10);
    target("203.0.113.0/24", "203.0.113.1", 30);
    target("192.0.2.0/24", "192.0.2.1", 20);
    hz.getMap(ClusterMaps.LATENCY_TARGETS)
        .put("bad/24", targetValue("bad/24", "evil.example", 25, mac));
    hz.getMap(ClusterMaps.LATENCY_TARGETS).put("worse/24", "a string where a target belongs");
    LatencyProber prober = prober("us-east", config(2, null), fake, new TestClock(Instant.EPOCH));
    await(prober.round());
    assertThat(fake.calls.get(0))
        .containsExactlyInAnyOrder(
            new InetSocketAddress("203.0.113.1", 53), new InetSocketAddress("192.0.2.1", 53));
    assertThat(fake.sources.get(0)).isNull();
    assertThat(hz.getMap(ClusterMaps.LATENCY).size()).isZero(); // nothing answered
  }

  @Test
  void readsTargets() {
    RecordCheck check = new RecordCheck(mac);
    assertThat(
            LatencyProber.target(
                "81.2.69.0/24", targetValue("81.2.69.0/24", "81.2.69.7", 5, mac), check, 5))
        .isEqualTo(new LatencyProber.Target("81.2.69.0/24", addr("81.2.69.7"), 5));
    assertThat(
            LatencyProber.target("p", targetValue("p", "2001:db8::1", 5, mac), check, 5).address())
        .isEqualTo(addr("2001:db8::1"));
    assertThat(LatencyProber.target("p", targetValue("p", "host.example", 5, mac), check, 5))
        .as("never a DNS lookup")
        .isNull();
    assertThat(check.forgedCount()).isZero();
    assertThat(LatencyProber.target("p", null, check, 5)).as("not a target").isNull();
    assertThat(LatencyProber.target(null, targetValue("p", "81.2.69.7", 5, mac), check, 5))
        .as("not under a prefix")
        .isNull();
    assertThat(check.forgedCount()).isEqualTo(2);
  }

  /**
   * A member without the cluster secret cannot make the edges probe an address of its choosing (a
   * target moved to another prefix, unsigned or signed with another key), nor replay an old one.
   */
  @Test
  void targetsWithoutTheClusterTagOrTooOldAreIgnoredAndCounted() {
    TestClock clock = new TestClock(Instant.ofEpochMilli(1_700_000_000_000L));
    long now = clock.millis();
    FakeConnector fake = new FakeConnector();
    target("81.2.69.0/24", "81.2.69.7", now);
    var targets = hz.<String, Object>getMap(ClusterMaps.LATENCY_TARGETS);
    targets.put(
        "192.0.2.0/24",
        targetValue(
            "192.0.2.0/24", "192.0.2.1", now, RecordMac.fromSecret("not-the-cluster-secret-01")));
    targets.put("198.51.100.0/24", new ProbeTarget("198.51.100.1", now));
    targets.put("203.0.113.0/24", targetValue("81.2.69.0/24", "203.0.113.1", now, mac));
    target("100.64.0.0/24", "100.64.0.1", now - LatencyProber.MAX_TARGET_AGE_MILLIS - 1);
    LatencyProber prober = prober("eu-west", config(200, null), fake, clock);
    await(prober.round());
    assertThat(fake.calls.get(0)).containsExactly(new InetSocketAddress("81.2.69.7", 53));
    assertThat(prober.check().forgedCount()).isEqualTo(3);
    assertThat(prober.check().staleCount()).isEqualTo(1);
  }

  static InetAddress addr(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
