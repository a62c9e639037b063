package io.opencdn.edge.cluster.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.cache.CacheKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The purge generation a fill checks before it keeps what it stored. */
class PurgeLogTest {

  final CacheKey a = new CacheKey("h", "/a");
  final CacheKey b = new CacheKey("h", "/b");

  static PurgeRequest purge(String path, long created) {
    return new PurgeRequest("id-" + path, null, List.of(path), List.of(), created);
  }

  @Test
  void aFillIsPurgedOnlyByAMatchingPurgeAfterItStarted() {
    PurgeLog log = new PurgeLog(8);
    log.record(purge("/a", 10));
    long started = log.current();
    assertThat(log.purgedSince(started, a, List.of())).isFalse();
    log.record(purge("/b", 20));
    assertThat(log.purgedSince(started, a, List.of())).isFalse();
    assertThat(log.purgedSince(started, b, List.of())).isTrue();
  }

  @Test
  void whenTheLogWasTruncatedTheAnswerIsConservative() {
    PurgeLog log = new PurgeLog(2);
    long started = log.current();
    log.record(purge("/x", 1));
    log.record(purge("/y", 2));
    log.record(purge("/z", 3));
    assertThat(log.purgedSince(started, a, List.of())).isTrue();
    assertThat(log.purgedSince(log.current(), a, List.of())).isFalse();
  }

  @Test
  void aCopyFetchedBeforeAPurgeWasIssuedIsOutdated() {
    PurgeLog log = new PurgeLog(8);
    log.record(purge("/a", 1000));
    assertThat(log.purgedAfter(999, a, List.of())).isTrue();
    assertThat(log.purgedAfter(1000, a, List.of())).isTrue();
    assertThat(log.purgedAfter(1001, a, List.of())).isFalse();
    assertThat(log.purgedAfter(0, b, List.of())).isFalse();
  }
}
