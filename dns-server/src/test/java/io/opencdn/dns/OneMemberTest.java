package io.opencdn.dns;

import static io.opencdn.testing.Await.await;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fixture of the tests that read a cluster map from a real Hazelcast member: one member (its
 * cluster named after the test class, {@code hazelcast-edges-test}, 1 s heartbeat, 5 s failure
 * timeout) and a Vert.x instance, started once per test class and closed after it.
 */
public abstract class OneMemberTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  protected static final Duration SLOW = Duration.ofSeconds(20);

  protected static TestCluster cluster;
  protected static HazelcastInstance hz;
  protected static Vertx vertx;
  protected static ClusterConfig cfg;
  protected static RecordMac mac;

  @BeforeAll
  static void startMember(org.junit.jupiter.api.TestInfo info) {
    String name =
        info.getTestClass()
            .map(c -> c.getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase())
            .orElse("dns-test");
    cluster = TestCluster.builder(name).timing(1000, 5000).start();
    cfg = cluster.config(0);
    hz = cluster.member(0);
    mac = cluster.mac();
    vertx = Vertx.vertx();
  }

  /** The UUID of the member (the edge records it registers name it). */
  protected static String memberUuid() {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  /**
   * A DNS server on the member, not started yet: the demo zone, the geo name {@code www.cdn.test.}
   * (TTL 20), no rate limiting; {@code name} names its configuration.
   */
  protected static DnsServer geoServer(String name) {
    DnsConfig config =
        ConfigLoader.parse(
                """
                listen: 127.0.0.1:0
                zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
                routing: [{name: www.cdn.test., ttl: 20}]
                rrl: {enabled: false}
                """,
                name,
                DnsConfig.class)
            .withCluster(cfg);
    return new DnsServer(vertx, config, "classpath:" + name, hz, Clock.systemUTC());
  }

  @AfterAll
  static void stopMember() {
    await(vertx.close(), SLOW);
    cluster.close();
  }
}
