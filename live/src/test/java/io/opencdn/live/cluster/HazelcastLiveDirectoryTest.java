package io.opencdn.live.cluster;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.testing.Await;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two members: what one announces the other sees; forged, replayed and older records are not used.
 */
class HazelcastLiveDirectoryTest {

  static final String SECRET = "directory-test-secret-0123456789";
  static TestCluster cluster;
  static Vertx vertx;
  static HazelcastInstance a;
  static HazelcastInstance b;
  static HazelcastLiveDirectory dirA;
  static HazelcastLiveDirectory dirB;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.builder("dir-test").secret(SECRET).members(2).start();
    a = cluster.member(0);
    b = cluster.member(1);
    vertx = Vertx.vertx();
    dirA = new HazelcastLiveDirectory(vertx, a, RecordCheck.of(SECRET), Clock.systemUTC());
    dirB = new HazelcastLiveDirectory(vertx, b, RecordCheck.of(SECRET), Clock.systemUTC());
    await(dirA.start(), Duration.ofSeconds(30));
    await(dirB.start(), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    await(vertx.close());
    cluster.close();
  }

  static LiveStreamRecord record(
      String stream, String edge, HazelcastInstance member, long session) {
    return new LiveStreamRecord(
        stream,
        edge,
        member.getLocalEndpoint().getUuid().toString(),
        "127.0.0.1",
        1935,
        "127.0.0.1",
        8080,
        session,
        1000,
        System.currentTimeMillis(),
        null);
  }

  @Test
  void anAnnouncementReachesTheOtherEdgeAndItsWithdrawalToo() throws Exception {
    long session = HazelcastLiveDirectory.newSession(Clock.systemUTC());
    dirA.announce(record("one", "edge-a", a, session));
    assertThat(Await.poll(() -> dirB.lookup("one") != null, Duration.ofSeconds(10))).isTrue();
    assertThat(dirB.lookup("one").edgeId()).isEqualTo("edge-a");
    assertThat(dirB.lookup("one").session()).isEqualTo(session);
    await(dirA.withdraw("one", session));
    assertThat(Await.poll(() -> dirB.lookup("one") == null, Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void forgedAndReplayedRecordsAreNotUsed() throws Exception {
    RecordMac wrong = RecordMac.fromSecret("not-the-cluster-secret-0123");
    long forgedBefore = dirB.check().forgedCount();
    b.getMap(HazelcastLiveDirectory.MAP)
        .put("two", record("two", "evil", a, 1).signed(wrong, System.currentTimeMillis()));
    b.getMap(HazelcastLiveDirectory.MAP).put("three", "not a record");
    // signed with the secret, but under another stream's name
    b.getMap(HazelcastLiveDirectory.MAP)
        .put(
            "four",
            record("five", "edge-a", a, 1)
                .signed(RecordMac.fromSecret(SECRET), System.currentTimeMillis()));
    // authentic but a minute old: a replay
    b.getMap(HazelcastLiveDirectory.MAP)
        .put(
            "six",
            record("six", "edge-a", a, 1)
                .signed(RecordMac.fromSecret(SECRET), System.currentTimeMillis() - 60_000));
    assertThat(
            Await.poll(
                () -> dirB.check().forgedCount() >= forgedBefore + 3, Duration.ofSeconds(10)))
        .as("counted as forged")
        .isTrue();
    assertThat(dirB.lookup("two")).isNull();
    assertThat(dirB.lookup("four")).isNull();
    assertThat(dirB.lookup("five")).isNull();
    assertThat(dirB.lookup("six")).as("stale").isNull();
  }

  @Test
  void theNewerSessionWinsWhenTwoEdgesAnnounce() throws Exception {
    long older = HazelcastLiveDirectory.newSession(Clock.systemUTC());
    long newer = older + (1 << 20);
    dirA.announce(record("seven", "edge-a", a, older));
    assertThat(Await.poll(() -> dirB.lookup("seven") != null, Duration.ofSeconds(10))).isTrue();
    dirB.announce(record("seven", "edge-b", b, newer));
    assertThat(
            Await.poll(
                () -> dirA.lookup("seven") != null && dirA.lookup("seven").session() == newer,
                Duration.ofSeconds(10)))
        .isTrue();
    // edge-a gave up: its heartbeat does not write its older session back
    Thread.sleep(HazelcastLiveDirectory.HEARTBEAT_MILLIS + 500);
    assertThat(dirA.lookup("seven").edgeId()).isEqualTo("edge-b");
    assertThat(dirB.lookup("seven").edgeId()).isEqualTo("edge-b");
    // a late write of the older session is answered with the newer one
    a.getMap(HazelcastLiveDirectory.MAP)
        .put(
            "seven",
            record("seven", "edge-a", a, older)
                .signed(RecordMac.fromSecret(SECRET), System.currentTimeMillis()));
    assertThat(
            Await.poll(
                () -> {
                  Object v = a.getMap(HazelcastLiveDirectory.MAP).get("seven");
                  return v instanceof LiveStreamRecord r && r.session() == newer;
                },
                Duration.ofSeconds(10)))
        .as("edge-b writes its session again")
        .isTrue();
  }
}
