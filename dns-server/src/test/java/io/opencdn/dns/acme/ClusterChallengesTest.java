package io.opencdn.dns.acme;

import static io.opencdn.dns.TestSupport.TEST_CONFIG;
import static io.opencdn.dns.TestSupport.demoEdges;
import static io.opencdn.dns.TestSupport.ip;
import static io.opencdn.dns.TestSupport.locations;
import static io.opencdn.dns.TestSupport.parse;
import static io.opencdn.dns.TestSupport.query;
import static io.opencdn.dns.TestSupport.testConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.cluster.AcmeChallenge;
import io.opencdn.common.cluster.RecordCheck;
import io.opencdn.common.cluster.RecordMac;
import io.opencdn.dns.answer.AnswerStage;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.routing.LatencySource;
import io.opencdn.dns.routing.Router;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import io.opencdn.dns.zone.ZoneSet;
import io.opencdn.testing.TestClock;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The DNS-01 records of the cluster through the whole query path: answered with AA and a short TTL
 * while published and current, NXDOMAIN before and after (never a kept answer, however often the
 * name is asked), nothing for a record that a member without the secret wrote or that expired.
 */
class ClusterChallengesTest {

  private static final String SECRET = "a-cluster-secret-0123456789";
  private static final String NAME = "_acme-challenge.www.cdn.test.";
  private static final String KEY = "_acme-challenge.www.cdn.test";

  private final Vertx vertx = Vertx.vertx();
  private final TestClock clock = new TestClock();
  private final ClusterChallenges challenges =
      new ClusterChallenges(
          vertx,
          Promise.<com.hazelcast.core.HazelcastInstance>promise().future(),
          RecordCheck.of(SECRET),
          clock);
  private final QueryHandler handler = handler();

  @AfterEach
  void tearDown() {
    vertx.close();
  }

  @Test
  void publishedValuesAreAnsweredOnlyWhileTheyAreCurrent() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertThat(ask(NAME, Type.TXT).getRcode()).as("before").isEqualTo(Rcode.NXDOMAIN);
    }
    long expires = clock.millis() + 60_000;
    challenges.put(
        KEY,
        new AcmeChallenge(List.of("digest-one", "digest-two"), expires, null)
            .signed(RecordMac.fromSecret(SECRET), KEY)
            .encode());

    Message m = ask("_ACME-challenge.WWW.cdn.test.", Type.TXT);
    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
    List<Record> answer = m.getSection(Section.ANSWER);
    assertThat(answer).hasSize(2);
    assertThat(answer)
        .extracting(r -> ((TXTRecord) r).getStrings().get(0))
        .containsExactlyInAnyOrder("digest-one", "digest-two");
    assertThat(answer).allSatisfy(r -> assertThat(r.getTTL()).isEqualTo(5));
    assertThat(ask(NAME, Type.A).getSection(Section.ANSWER)).as("another type").isEmpty();

    clock.advance(Duration.ofSeconds(61));
    assertThat(ask(NAME, Type.TXT).getRcode()).as("expired").isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void recordsWithoutTheSecretAreNotServed() throws Exception {
    long expires = clock.millis() + 60_000;
    challenges.put(
        KEY,
        new AcmeChallenge(List.of("planted"), expires, null)
            .signed(RecordMac.fromSecret("another-secret-0123456789"), KEY)
            .encode());
    challenges.put(
        "_acme-challenge.cdn.test",
        new AcmeChallenge(List.of("moved"), expires, null)
            .signed(RecordMac.fromSecret(SECRET), KEY)
            .encode());
    challenges.put("_acme-challenge.shop.cdn.test", "not a record");

    assertThat(challenges.txt(Name.fromString(NAME))).isEmpty();
    assertThat(challenges.txt(Name.fromString("_acme-challenge.cdn.test."))).isEmpty();
    assertThat(challenges.txt(Name.fromString("_acme-challenge.shop.cdn.test."))).isEmpty();
    assertThat(ask("_acme-challenge.cdn.test.", Type.TXT).getSection(Section.ANSWER)).isEmpty();
  }

  @Test
  void onlyChallengeNamesAreChallengeNames() throws Exception {
    assertThat(ClusterChallenges.isChallengeName(Name.fromString(NAME))).isTrue();
    assertThat(ClusterChallenges.isChallengeName(Name.fromString("www.cdn.test."))).isFalse();
    assertThat(ClusterChallenges.key(Name.fromString("_ACME-Challenge.CDN.test.")))
        .isEqualTo("_acme-challenge.cdn.test");
  }

  private Message ask(String name, int type) {
    byte[] wire = handler.handle(query(name, type, null).toWire(), ip("192.0.2.1"), Transport.UDP);
    return parse(wire);
  }

  private QueryHandler handler() {
    DnsConfig config = testConfig();
    return new QueryHandler(
        AnswerStage.of(
            ZoneSet.load(config.zones(), TEST_CONFIG),
            config.routing(),
            locations(),
            new SnapshotHolder(demoEdges()),
            Router.of(config.routing(), LatencySource.NONE, clock),
            challenges::txt));
  }
}
