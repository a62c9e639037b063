package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ConfigRecords.MemberState;
import io.opencdn.common.cluster.ConfigRecords.Version;
import io.opencdn.common.distribution.DistributionsDocument;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {

  static TestCluster members;
  static HazelcastInstance a;
  static HazelcastInstance b;
  static final String SECRET = "secret-config-store-0123456789";

  static String doc(String host) {
    return """
        distributions:
          - id: www
            hosts: [%s]
            origins: [{id: o, url: "http://127.0.0.1:9"}]
            behaviors: [{path: "*", target: o}]
        """
        .formatted(host);
  }

  @BeforeAll
  static void cluster() {
    members = TestCluster.builder("cfg").secret(SECRET).members(2).start();
    a = members.member(0);
    b = members.member(1);
  }

  @AfterAll
  static void stop() {
    members.close();
  }

  @Test
  void publishesFollowsRollsBackAndReportsRefusals() throws Exception {
    ConfigStore store = new ConfigStore(a, RecordMac.fromSecret(SECRET), Clock.systemUTC());
    ConfigStore other = new ConfigStore(b, RecordMac.fromSecret(SECRET), Clock.systemUTC());
    AtomicReference<String> activated = new AtomicReference<>();
    ConfigFollower follower =
        new ConfigFollower(
            other,
            "edge-b",
            "edge",
            b.getLocalEndpoint().getUuid().toString(),
            Clock.systemUTC(),
            d -> {
              if (d.hosts().contains("refused.test")) {
                throw new IllegalStateException("a file it names is missing here");
              }
              activated.set(d.hosts().get(0));
            });
    follower.start();
    try {
      String t1 = doc("one.test");
      Version v1 = store.publish(DistributionsDocument.hashOf(t1), t1, "first");
      await(() -> "one.test".equals(activated.get()));
      String t2 = doc("two.test");
      Version v2 = store.publish(DistributionsDocument.hashOf(t2), t2, "second");
      await(() -> "two.test".equals(activated.get()));
      assertThat(v2.seq()).isGreaterThan(v1.seq());
      assertThat(store.publish(v2.hash(), t2, "again").seq()).isEqualTo(v2.seq());

      String bad = doc("refused.test");
      store.publish(DistributionsDocument.hashOf(bad), bad, "refused");
      await(() -> store.members().stream().anyMatch(m -> m.error() != null));
      MemberState s = store.members().get(0);
      assertThat(s.hash()).isEqualTo(v2.hash());
      assertThat(s.error()).contains("a file it names is missing here");
      assertThat(activated.get()).isEqualTo("two.test");

      // an admin URL is published with the state (the edges' status page finds DNS servers by
      // it), under the tag: the error it reports stays
      follower.admin("http://127.0.0.1:8054");
      assertThat(store.members().get(0).admin()).isEqualTo("http://127.0.0.1:8054");
      assertThat(store.members().get(0).error()).contains("a file it names is missing here");
      MemberState moved =
          new MemberState(
              s.member(),
              s.kind(),
              s.uuid(),
              s.hash(),
              s.since(),
              s.error(),
              "http://evil:1",
              store.members().get(0).tag());
      assertThat(moved.authentic(RecordMac.fromSecret(SECRET))).isFalse();

      Version back = store.rollback(v1.hash().substring(0, 6));
      assertThat(back.hash()).isEqualTo(v1.hash());
      await(() -> "one.test".equals(activated.get()));
      await(
          () ->
              store.members().get(0).error() == null
                  && store.members().get(0).hash().equals(v1.hash()));
      assertThat(store.history()).extracting(Version::hash).startsWith(v1.hash());

      for (int i = 0; i < ConfigStore.KEPT + 3; i++) {
        String t = doc("h" + i + ".test");
        store.publish(DistributionsDocument.hashOf(t), t, "n" + i);
      }
      assertThat(store.history()).hasSize(ConfigStore.KEPT);

      // a version written without the secret is ignored
      a.getMap(ConfigStore.CURRENT)
          .put(ConfigStore.CURRENT_KEY, "{\"hash\":\"forged\",\"text\":\"x\",\"tag\":\"00\"}");
      assertThat(store.currentVersion()).isNull();
    } finally {
      follower.stop();
    }
  }

  static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }
}
