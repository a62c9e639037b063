package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.config.Endpoint;
import io.opencdn.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterJoin}: a member alone forms the cluster at once; a member that finds another one
 * that accepts connections but does not let it join (stalled, or too busy to answer) keeps trying
 * instead of giving up, and joins once that member answers; close() stops a join in progress.
 */
class ClusterJoinTest {

  static final ClusterJoin.Timing QUICK =
      new ClusterJoin.Timing(
          Duration.ofSeconds(2),
          Duration.ofMillis(100),
          Duration.ofMillis(400),
          Duration.ofMillis(500));

  final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  @Test
  void aMemberAloneFormsTheClusterInItsFirstAttempt() throws Exception {
    int port = freePortPair();
    ClusterConfig cfg = config(port, List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1)));
    ClusterJoin join = ClusterJoin.start(cfg, "alone-" + port, false, ClusterJoin.Timing.DEFAULT);
    cleanup.add(join);
    assertThat(join.status()).startsWith("joining cluster join-test");
    HazelcastInstance hz = join.await();
    assertThat(hz.getCluster().getMembers()).hasSize(1);
    assertThat(join.attempts()).isEqualTo(1);
    assertThat(join.isJoined()).isTrue();
    assertThat(join.status()).isEqualTo("joined cluster join-test (1 members)");
  }

  @Test
  void aMemberKeepsTryingWhileAnotherAcceptsButDoesNotAnswerAndJoinsWhenItDoes() throws Exception {
    int port = freePortPair();
    String stalledAddress = "127.0.0.1:" + port;
    List<String> members = List.of(stalledAddress, "127.0.0.1:" + (port + 1));
    // a member that is stalled (SIGSTOP, a long pause): the kernel accepts connections, nobody
    // answers
    ServerSocket stalled = new ServerSocket();
    stalled.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);

    ClusterJoin join =
        ClusterJoin.start(config(port + 1, members), "patient-" + port, false, QUICK);
    cleanup.add(join);
    assertThat(Await.poll(() -> join.attempts() >= 3, Duration.ofSeconds(60)))
        .as("attempts: " + join.attempts())
        .isTrue();
    assertThat(join.isJoined())
        .as("no cluster formed while a member accepts connections")
        .isFalse();
    assertThat(join.status()).contains("joining cluster join-test").contains("attempt");
    // a stalled process accepts connections until its backlog is full, then no longer answers
    assertThat(new MemberProbe(500).describe(members, "127.0.0.1:" + (port + 1)))
        .matches("(accepts connections|no answer within 500 ms): " + stalledAddress);

    // the stalled member comes back (here: a real member starts at its address)
    stalled.close();
    HazelcastInstance other = ClusterNode.start(config(port, members), "back-" + port, false);
    cleanup.add(() -> other.getLifecycleService().terminate());
    HazelcastInstance hz = join.await();
    assertThat(
            Await.poll(
                () ->
                    hz.getCluster().getMembers().size() == 2
                        && other.getCluster().getMembers().size() == 2,
                Duration.ofSeconds(90)))
        .as("one cluster of two (joined, or merged after forming apart)")
        .isTrue();
  }

  @Test
  void closeStopsAJoinInProgressAndFreesThePort() throws Exception {
    int port = freePortPair();
    ServerSocket stalled = new ServerSocket();
    stalled.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
    cleanup.add(stalled);
    ClusterJoin join =
        ClusterJoin.start(
            config(port + 1, List.of("127.0.0.1:" + port, "127.0.0.1:" + (port + 1))),
            "closed-" + port,
            false,
            QUICK);
    assertThat(Await.poll(() -> !bindable(port + 1), Duration.ofSeconds(30)))
        .as("the attempt listens on its port")
        .isTrue();
    join.close();
    assertThat(join.joined()).isCancelled();
    assertThatThrownBy(join::await).isInstanceOf(CancellationException.class);
    assertThat(Await.poll(() -> bindable(port + 1), Duration.ofSeconds(30)))
        .as("the port is free after close")
        .isTrue();
    assertThat(join.status()).isEqualTo("not joining cluster join-test (stopped)");
  }

  @Test
  void theProbeTellsWhatAnswersAtEachAddress() throws Exception {
    int port = freePortPair();
    try (ServerSocket listening = new ServerSocket()) {
      listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      String self = "127.0.0.1:" + (port + 2);
      assertThat(
              new MemberProbe(500)
                  .describe(
                      List.of(
                          "127.0.0.1:" + port, "127.0.0.1:" + (port + 1), self, "nohost.invalid:1"),
                      self))
          .isEqualTo(
              "accepts connections: 127.0.0.1:"
                  + port
                  + "; connection refused: 127.0.0.1:"
                  + (port + 1)
                  + "; unknown host: nohost.invalid:1");
      assertThat(new MemberProbe(500).describe(List.of(self), self))
          .isEqualTo("no other member address is configured");
    }
  }

  static ClusterConfig config(int port, List<String> members) {
    return new ClusterConfig(
        "join-test",
        "join-test-secret-" + members,
        new Endpoint("127.0.0.1", port),
        members,
        null,
        null);
  }

  /** A port p such that p and p+1 are free now. */
  static int freePortPair() {
    for (int i = 0; i < 100; i++) {
      int p = ThreadLocalRandom.current().nextInt(20000, 40000);
      if (bindable(p) && bindable(p + 1)) {
        return p;
      }
    }
    throw new IllegalStateException("no two free ports");
  }

  static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
