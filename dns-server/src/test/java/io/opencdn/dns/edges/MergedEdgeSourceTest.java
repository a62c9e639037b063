package io.opencdn.dns.edges;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.EdgeRecord;
import io.opencdn.common.cluster.EdgeState;
import io.opencdn.dns.config.StaticEdge;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MergedEdgeSourceTest {

  static StaticEdge stat(String id, String ip) {
    return new StaticEdge(id, "static", 10.0, 20.0, ip, null, 500.0, null, null, null, null);
  }

  static final EdgeRecord CLUSTER =
      new EdgeRecord(
          "eu-west", "eu", 50, 8, "127.0.0.12", null, 8080, 100, 5, EdgeState.ACTIVE, "m1", 42);

  static final EdgeRecordSource ONE =
      new EdgeRecordSource() {
        @Override
        public Future<Collection<EdgeRecord>> fetch() {
          return Future.succeededFuture(List.of(CLUSTER));
        }

        @Override
        public Set<String> liveMembers() {
          return Set.of("m1");
        }

        @Override
        public Runnable onMembershipChange(Consumer<String> left, Runnable joined) {
          return () -> {};
        }
      };

  @Test
  void staticEdgesFollowTheClusterOnesAndAClusterEdgeHidesAStaticOneWithItsId() {
    io.opencdn.testing.TestClock clock = new io.opencdn.testing.TestClock();
    MergedEdgeSource merged =
        new MergedEdgeSource(
            ONE, List.of(stat("eu-west", "192.0.2.1"), stat("far", "192.0.2.2")), clock);
    List<EdgeRecord> all = List.copyOf(merged.fetch().result());
    assertThat(all).extracting(EdgeRecord::id).containsExactly("eu-west", "far");
    assertThat(all.get(0)).isSameAs(CLUSTER);
    EdgeRecord far = all.get(1);
    assertThat(far.memberUuid()).isNull();
    assertThat(far.heartbeatMillis()).isEqualTo(clock.millis());
    assertThat(far.capacity()).isEqualTo(500.0);
    assertThat(far.region()).isEqualTo("static");
    assertThat(merged.liveMembers()).containsExactly("m1");
  }

  @Test
  void withoutAClusterOnlyTheStaticEdges() {
    MergedEdgeSource merged =
        new MergedEdgeSource(
            null, List.of(stat("a", "192.0.2.1")), new io.opencdn.testing.TestClock());
    assertThat(merged.fetch().result()).extracting(EdgeRecord::id).containsExactly("a");
    assertThat(merged.liveMembers()).isEmpty();
    merged.onMembershipChange(u -> {}, () -> {}).run();
  }
}
