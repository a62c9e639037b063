package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.opencdn.common.config.Endpoint;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a process that reaches the member port can do: no Hazelcast client gets in, Java
 * deserialization resolves only allowlisted classes, edge records, latency samples and probe
 * targets are authenticated, and an unreadable entry hides nothing from a reader.
 */
class ClusterNodeSecurityTest {

  /** A class outside the allowlist whose deserialization would run code (as a gadget's would). */
  static final class Gadget implements Serializable {
    static final AtomicInteger READ = new AtomicInteger();

    private void readObject(ObjectInputStream in)
        throws java.io.IOException, ClassNotFoundException {
      in.defaultReadObject();
      READ.incrementAndGet();
    }
  }

  ClusterConfig cfg;
  HazelcastInstance a;
  HazelcastInstance b;

  @BeforeEach
  void start() {
    int port = ThreadLocalRandom.current().nextInt(20000, 40000);
    cfg =
        new ClusterConfig(
            "sec",
            "secret-" + System.nanoTime() + "-abcdef",
            new Endpoint("127.0.0.1", port),
            List.of("127.0.0.1:" + port + "-" + (port + 3)),
            null,
            null);
    a = ClusterNode.start(cfg, "sec-a-" + port, false);
    b = ClusterNode.start(cfg, "sec-b-" + port, false);
  }

  @AfterEach
  void stop() {
    b.getLifecycleService().terminate();
    a.getLifecycleService().terminate();
  }

  @Test
  void aHazelcastClientWithTheRightClusterNameCannotConnect() {
    ClientConfig client = new ClientConfig();
    client.setClusterName(ClusterNode.clusterName(cfg.name(), cfg.secret()));
    client
        .getNetworkConfig()
        .addAddress("127.0.0.1:" + a.getCluster().getLocalMember().getAddress().getPort());
    client
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(3000);
    client.setProperty("hazelcast.logging.type", "none");
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect");
    assertThat(a.getCluster().getMembers()).hasSize(2);
  }

  @Test
  void javaDeserializationResolvesOnlyAllowlistedClasses() {
    int before = Gadget.READ.get();
    IMap<String, Object> map = a.getMap("java-filter-test");
    map.put("gadget", new Gadget());
    map.put("jdk", new java.util.ArrayList<>(List.of("a", 1L)));
    IMap<String, Object> other = b.getMap("java-filter-test");
    assertThatThrownBy(() -> other.get("gadget")).hasMessageContaining("is not allowed");
    assertThat(Gadget.READ.get())
        .as("readObject of a class outside the allowlist never ran")
        .isEqualTo(before);
    assertThat(other.get("jdk")).isEqualTo(List.of("a", 1L));
  }

  @Test
  void edgeRecordsTravelWithTheirTagAndOnlyTheSecretSignsThem() {
    RecordMac mac = RecordMac.fromSecret(cfg.secret());
    RecordMac rogue = RecordMac.fromSecret("a-guess-at-the-secret-0123");
    EdgeRecord r =
        new EdgeRecord(
                "eu-west",
                "eu",
                50.1,
                8.7,
                "127.0.0.12",
                null,
                8080,
                1000,
                3.5,
                EdgeState.ACTIVE,
                "member-1",
                1_700_000_000_000L)
            .signed(mac);
    a.<String, EdgeRecord>getMap(ClusterMaps.EDGES).put("eu-west", r);
    EdgeRecord read = b.<String, EdgeRecord>getMap(ClusterMaps.EDGES).get("eu-west");

    assertThat(read).isEqualTo(r);
    assertThat(read.authentic(mac, "eu-west")).isTrue();
    assertThat(read.authentic(mac, "us-east")).as("moved to another key").isFalse();
    assertThat(
            read.withLoad(3.5, EdgeState.DRAINING, r.heartbeatMillis())
                .signed(rogue)
                .authentic(mac, "eu-west"))
        .as("drained by a member without the secret")
        .isFalse();
    assertThat(
            new EdgeRecord(
                    "eu-west",
                    "eu",
                    50.1,
                    8.7,
                    "127.0.0.66",
                    null,
                    8080,
                    1000,
                    3.5,
                    EdgeState.ACTIVE,
                    "member-1",
                    r.heartbeatMillis(),
                    r.tag())
                .authentic(mac, "eu-west"))
        .as("another address under the old tag")
        .isFalse();
    assertThat(r.withLoad(3.5, EdgeState.ACTIVE, r.heartbeatMillis()).authentic(mac, "eu-west"))
        .as("unsigned")
        .isFalse();
  }

  @Test
  void latencySamplesAndProbeTargetsTravelTypedWithTheirTag() {
    RecordMac mac = RecordMac.fromSecret(cfg.secret());
    RecordMac rogue = RecordMac.fromSecret("a-guess-at-the-secret-0123");
    LatencyKey key = new LatencyKey("81.2.69.0/24", "eu-west");
    LatencySample sample = new LatencySample(23.5, 1_700_000_000_000L).signed(mac, key);
    a.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY).put(key, sample);
    LatencySample read =
        b.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY)
            .get(new LatencyKey("81.2.69.0/24", "eu-west"));

    assertThat(read).isEqualTo(sample);
    assertThat(read.authentic(mac, key)).isTrue();
    assertThat(read.authentic(mac, new LatencyKey("81.2.69.0/24", "us-east")))
        .as("moved to another edge")
        .isFalse();
    assertThat(read.authentic(mac, new LatencyKey("192.0.2.0/24", "eu-west")))
        .as("moved to another network")
        .isFalse();
    assertThat(new LatencySample(1.0, read.atMillis(), read.tag()).authentic(mac, key))
        .as("another RTT under the old tag")
        .isFalse();
    assertThat(new LatencySample(1.0, read.atMillis()).signed(rogue, key).authentic(mac, key))
        .as("signed without the secret")
        .isFalse();
    assertThatThrownBy(() -> new LatencySample(-1, 0)).isInstanceOf(IllegalArgumentException.class);

    ProbeTarget target =
        new ProbeTarget("81.2.69.7", 1_700_000_000_000L).signed(mac, "81.2.69.0/24");
    a.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS).put("81.2.69.0/24", target);
    ProbeTarget got =
        b.<String, ProbeTarget>getMap(ClusterMaps.LATENCY_TARGETS).get("81.2.69.0/24");
    assertThat(got).isEqualTo(target);
    assertThat(got.authentic(mac, "81.2.69.0/24")).isTrue();
    assertThat(got.authentic(mac, "192.0.2.0/24")).as("moved to another network").isFalse();
    assertThat(
            new ProbeTarget("192.0.2.66", got.seenAtMillis(), got.tag())
                .authentic(mac, "81.2.69.0/24"))
        .as("another address under the old tag")
        .isFalse();
  }

  @Test
  void anUnreadableEntryIsCountedAndHidesNothing() {
    RecordCheck check = new RecordCheck(RecordMac.fromSecret(cfg.secret()));
    IMap<Object, Object> written = a.getMap(ClusterMaps.LATENCY_TARGETS);
    written.put("81.2.69.0/24", new ProbeTarget("81.2.69.7", 1));
    written.put("192.0.2.0/24", new Gadget());
    written.put("198.51.100.0/24", "a string where a target belongs");

    java.util.Map<Object, Object> read =
        ClusterReads.entries(b.getMap(ClusterMaps.LATENCY_TARGETS), check);
    assertThat(read).containsOnlyKeys("81.2.69.0/24", "198.51.100.0/24");
    assertThat(check.forgedCount()).isEqualTo(1);
  }
}
