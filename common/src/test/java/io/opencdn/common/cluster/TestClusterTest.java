package io.opencdn.common.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;

/**
 * The fixture itself: members joined, lite slots, spare slots, one secret, all stopped on close.
 */
class TestClusterTest {

  @Test
  void startsJoinedMembersAndASpareSlotAndTerminatesThemAll() {
    HazelcastInstance full;
    HazelcastInstance late;
    try (TestCluster cluster = TestCluster.builder("fixture").members(2).lite(1).spare(1).start()) {
      full = cluster.member(0);
      assertThat(full.getCluster().getMembers()).hasSize(2);
      assertThat(cluster.member(1).getCluster().getLocalMember().isLiteMember()).isTrue();
      assertThat(full.getCluster().getLocalMember().isLiteMember()).isFalse();
      ClusterConfig spare = cluster.config(2);
      assertThat(spare.secret()).isEqualTo(cluster.secret()).hasSizeGreaterThanOrEqualTo(16);
      assertThat(spare.bind().port()).isEqualTo(cluster.config(0).bind().port() + 2);
      assertThat(spare.members()).isEqualTo(cluster.config(0).members());
      assertThatThrownBy(() -> cluster.config(3)).isInstanceOf(IndexOutOfBoundsException.class);

      late = cluster.startMember(2, false);
      assertThat(full.getCluster().getMembers()).hasSize(3);
      assertThat(cluster.members()).containsExactly(full, cluster.member(1), late);
    }
    assertThat(full.getLifecycleService().isRunning()).isFalse();
    assertThat(late.getLifecycleService().isRunning()).isFalse();
  }

  @Test
  void twoClustersGetDisjointPortsAndSecrets() {
    int a = TestCluster.freeRange(5);
    int b = TestCluster.freeRange(5);
    assertThat(Math.abs(a - b)).isGreaterThanOrEqualTo(5);
    try (TestCluster one = TestCluster.builder("one").members(0).spare(1).start();
        TestCluster two = TestCluster.builder("one").members(0).spare(1).start()) {
      assertThat(one.secret()).isNotEqualTo(two.secret());
      assertThat(one.config(0).bind()).isNotEqualTo(two.config(0).bind());
    }
  }
}
