package io.opencdn.edge.cluster.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which purge requests from the topic an edge applies. */
class PurgeGuardTest {

  final RecordMac mac = RecordMac.fromSecret("the-cluster-secret-0123456789");
  final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  final PurgeGuard guard = new PurgeGuard(new RecordCheck(mac), clock);

  PurgeRequest request(String id, long at) {
    return new PurgeRequest(id, "www.cdn.test", List.of("/*"), List.of(), at);
  }

  @Test
  void anAuthenticRecentRequestIsAppliedOnce() {
    PurgeRequest r = request("a", clock.millis()).signed(mac);
    assertThat(guard.admit(r)).isTrue();
    assertThat(guard.admit(r)).as("replayed").isFalse();
    assertThat(guard.check().staleCount()).isEqualTo(1);
    assertThat(guard.check().forgedCount()).isZero();
  }

  @Test
  void requestsWithoutTheClusterTagAreRefused() {
    assertThat(guard.admit(request("unsigned", clock.millis()))).isFalse();
    assertThat(
            guard.admit(
                request("rogue", clock.millis())
                    .signed(RecordMac.fromSecret("a-guessed-secret-0123456789"))))
        .isFalse();
    PurgeRequest good = request("b", clock.millis()).signed(mac);
    PurgeRequest widened =
        new PurgeRequest("b", null, List.of("/*"), List.of(), good.createdMillis(), good.tag());
    assertThat(guard.admit(widened)).as("another host under the tag of a request").isFalse();
    assertThat(guard.admit(null)).as("not a purge request").isFalse();
    assertThat(guard.check().forgedCount()).isEqualTo(4);
  }

  @Test
  void requestsAcceptedLongAgoOrAheadAreStale() {
    PurgeRequest old = request("old", clock.millis()).signed(mac);
    clock.advance(Duration.ofMillis(PurgeGuard.MAX_AGE_MILLIS + 1));
    assertThat(guard.admit(old)).isFalse();
    assertThat(
            guard.admit(
                request("ahead", clock.millis() + PurgeGuard.MAX_AGE_MILLIS + 1).signed(mac)))
        .isFalse();
    assertThat(guard.check().staleCount()).isEqualTo(2);
  }
}
