package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ClusterNodeTest {

  @Test
  void membersWithTheSameSecretJoinAndOthersAreKeptOut() {
    int port = ThreadLocalRandom.current().nextInt(20000, 40000);
    List<String> members = List.of("127.0.0.1:" + port + "-" + (port + 5));
    ClusterConfig good =
        new ClusterConfig(
            "test",
            "secret-" + System.nanoTime() + "-abcdef",
            new Endpoint("127.0.0.1", port),
            members,
            null,
            null);
    ClusterConfig other =
        new ClusterConfig(
            "test",
            "another-secret-0123456789",
            new Endpoint("127.0.0.1", port),
            members,
            null,
            null);
    HazelcastInstance a = ClusterNode.start(good, "a-" + port, false);
    HazelcastInstance b = ClusterNode.start(good, "b-" + port, true);
    HazelcastInstance c = ClusterNode.start(other, "c-" + port, false);
    try {
      assertThat(a.getCluster().getMembers()).hasSize(2);
      assertThat(b.getCluster().getMembers()).hasSize(2);
      assertThat(c.getCluster().getMembers()).hasSize(1);
      a.getMap(ClusterMaps.EDGES).put("k", "v");
      assertThat(b.getMap(ClusterMaps.EDGES).get("k")).isEqualTo("v");
      assertThat(c.getMap(ClusterMaps.EDGES).get("k")).isNull();
    } finally {
      c.getLifecycleService().terminate();
      b.getLifecycleService().terminate();
      a.getLifecycleService().terminate();
    }
  }

  /** Collects every Hazelcast log message of the members started while it is installed. */
  public static final class Capture extends com.hazelcast.logging.LoggerFactorySupport {
    static final List<String> LINES = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    protected com.hazelcast.logging.ILogger createLogger(String name) {
      return new com.hazelcast.logging.AbstractLogger() {
        @Override
        public void log(java.util.logging.Level level, String message) {
          LINES.add(name + " " + level + " " + message);
        }

        @Override
        public void log(java.util.logging.Level level, String message, Throwable thrown) {
          LINES.add(name + " " + level + " " + message + " " + thrown);
        }

        @Override
        public void log(com.hazelcast.logging.LogEvent event) {
          LINES.add(event.getLogRecord().getMessage());
        }

        @Override
        public java.util.logging.Level getLevel() {
          return java.util.logging.Level.ALL;
        }

        @Override
        public boolean isLoggable(java.util.logging.Level level) {
          return true;
        }
      };
    }
  }

  @Test
  void theClusterNameDerivedFromTheSecretNeverReachesTheLogs() {
    int port = ThreadLocalRandom.current().nextInt(20000, 40000);
    ClusterConfig cfg =
        new ClusterConfig(
            "test",
            "secret-" + System.nanoTime() + "-abcdef",
            new Endpoint("127.0.0.1", port),
            List.of("127.0.0.1:" + port + "-" + (port + 2)),
            null,
            null);
    String hashed = ClusterNode.clusterName(cfg.name(), cfg.secret());
    Capture.LINES.clear();
    com.hazelcast.config.Config a = ClusterNode.hazelcastConfig(cfg, "log-a-" + port, false);
    com.hazelcast.config.Config b = ClusterNode.hazelcastConfig(cfg, "log-b-" + port, false);
    System.setProperty("hazelcast.logging.class", Capture.class.getName());
    HazelcastInstance x;
    HazelcastInstance y;
    try {
      x = com.hazelcast.core.Hazelcast.newHazelcastInstance(a);
      y = com.hazelcast.core.Hazelcast.newHazelcastInstance(b);
    } finally {
      System.clearProperty("hazelcast.logging.class");
    }
    try {
      assertThat(x.getCluster().getMembers()).hasSize(2);
      y.getLifecycleService().terminate(); // the survivor logs the member's departure
    } finally {
      x.getLifecycleService().terminate();
    }

    // the one exception is Hazelcast's start-up banner at INFO on com.hazelcast.system, which the
    // launcher's logging configuration keeps at WARN (simplelogger.properties)
    assertThat(Capture.LINES).isNotEmpty();
    assertThat(Capture.LINES)
        .filteredOn(l -> !l.startsWith("com.hazelcast.system INFO "))
        .noneMatch(l -> l.contains(hashed.substring(hashed.lastIndexOf('-') + 1)));
  }

  @Test
  void configIsValidated() {
    Endpoint bind = new Endpoint("127.0.0.1", 5701);
    assertThatThrownBy(() -> new ClusterConfig("demo", "short", bind, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("secret");
    assertThatThrownBy(
            () -> new ClusterConfig("bad name", "0123456789abcdef", bind, null, null, null))
        .hasMessageContaining("'name'");
    assertThatThrownBy(() -> new ClusterConfig("demo", "0123456789abcdef", bind, null, 1000, 1500))
        .hasMessageContaining("failureTimeoutMillis");
    // Hazelcast takes whole seconds: values it would round are refused, not silently changed
    assertThatThrownBy(() -> new ClusterConfig("demo", "0123456789abcdef", bind, null, 500, null))
        .hasMessageContaining("heartbeatMillis")
        .hasMessageContaining("whole seconds");
    assertThatThrownBy(() -> new ClusterConfig("demo", "0123456789abcdef", bind, null, 1000, 2500))
        .hasMessageContaining("failureTimeoutMillis")
        .hasMessageContaining("whole seconds");
    ClusterConfig ok = new ClusterConfig("demo", "0123456789abcdef", bind, null, null, null);
    assertThat(ok.members()).containsExactly("127.0.0.1:5701-5703");
    assertThat(ClusterNode.clusterName("demo", "0123456789abcdef"))
        .startsWith("demo-")
        .isNotEqualTo(ClusterNode.clusterName("demo", "0123456789abcdeX"));
  }

  @Test
  void smallMachinesGetFewerHazelcastThreadsAndResponsesOnTheIoThread() {
    for (int cores : new int[] {1, 2}) {
      assertThat(ClusterNode.threadCounts(cores))
          .as("%d cores", cores)
          .containsEntry("hazelcast.operation.thread.count", "1")
          .containsEntry("hazelcast.operation.generic.thread.count", "1")
          .containsEntry("hazelcast.io.thread.count", "1")
          .containsEntry("hazelcast.operation.response.thread.count", "0");
    }
    assertThat(ClusterNode.threadCounts(4)).isEmpty();
    Endpoint bind = new Endpoint("127.0.0.1", 5701);
    ClusterConfig cfg = new ClusterConfig("demo", "0123456789abcdef", bind, null, null, null);
    com.hazelcast.config.Config config = ClusterNode.hazelcastConfig(cfg, "threads", false);
    // this machine's counts are in the config, unless a -Dhazelcast.* property overrides them
    java.util.Map<String, String> here =
        ClusterNode.threadCounts(Runtime.getRuntime().availableProcessors());
    for (String name : ClusterNode.threadCounts(1).keySet()) {
      if (System.getProperty(name) == null) {
        assertThat(config.getProperty(name)).as(name).isEqualTo(here.get(name));
      }
    }
  }
}
