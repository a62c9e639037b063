package io.opencdn.edge.tls;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.testing.Await;
import io.opencdn.testing.TestClock;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stapler's fetching: retried with back-off while the responder fails, then stapled; an answer
 * past its nextUpdate is no longer stapled; a certificate gone from the set stops being fetched.
 */
class OcspStaplerTest {

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  Vertx vertx;
  TestCa ca;
  TestOcspResponder responder;
  OcspStapler stapler;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    ca = new TestCa();
    responder = new TestOcspResponder(ca, clock);
    stapler = new OcspStapler(vertx, clock, "t", true, Duration.ofMillis(100), registry);
  }

  @AfterEach
  void tearDown() {
    await(stapler.stop());
    responder.close();
    await(vertx.close());
  }

  private CertificateSet load(TestCa.Leaf... leaves) {
    TlsConfig tls =
        new TlsConfig(
            Endpoint.parse("127.0.0.1:0"),
            java.util.Arrays.stream(leaves)
                .map(l -> new TlsConfig.Certificate(l.cert().toString(), l.key().toString()))
                .toList(),
            true);
    return CertificateSet.load(vertx, tls);
  }

  private JsonObject state(CertificateSet set) {
    return stapler.json(set.certificates().get(0).sha256());
  }

  @Test
  void retriesWithBackOffUntilTheResponderAnswers() throws Exception {
    responder.status(TestOcspResponder.Status.UNAVAILABLE);
    CertificateSet set = load(ca.issue(dir, "leaf", "www.cdn.test", responder.url()));
    stapler.track(set);
    Await.until(Duration.ofSeconds(20), () -> state(set).getInteger("failures") >= 3);
    JsonObject failing = state(set);
    assertThat(failing.getString("status")).isEqualTo("failed");
    assertThat(failing.getBoolean("stapled")).isFalse();
    assertThat(failing.getString("lastError")).contains("HTTP 503");
    responder.status(TestOcspResponder.Status.GOOD);
    Await.until(Duration.ofSeconds(20), () -> "good".equals(state(set).getString("status")));
    JsonObject good = state(set);
    assertThat(good.getBoolean("stapled")).isTrue();
    assertThat(good.getInteger("failures")).isZero();
    // refreshed at half its validity (thisUpdate - 1 h .. + 1 day)
    assertThat(Instant.parse(good.getString("nextFetch")))
        .isEqualTo(clock.instant().plus(Duration.ofMinutes(690)));
    assertThat(registry.counter("cdn_tls_ocsp_fetches", "result", "failed").count())
        .isGreaterThanOrEqualTo(3);
    assertThat(registry.get("cdn_tls_ocsp_stapled").gauge().value()).isEqualTo(1.0);
    // past its nextUpdate the answer is no longer stapled
    clock.advance(Duration.ofDays(2));
    assertThat(state(set).getBoolean("stapled")).isFalse();
    assertThat(registry.get("cdn_tls_ocsp_stapled").gauge().value()).isZero();
  }

  @Test
  void followsTheCertificatesOfEachSet() throws Exception {
    TestCa.Leaf a = ca.issue(dir, "a", "a.test", responder.url());
    TestCa.Leaf b = ca.issue(dir, "b", "b.test", null);
    // the same certificate twice in one set is followed once
    CertificateSet first = load(a, b, a);
    stapler.track(first);
    Await.until(Duration.ofSeconds(20), () -> "good".equals(state(first).getString("status")));
    assertThat(stapler.json(first.certificates().get(1).sha256()).getString("status"))
        .isEqualTo("none");
    // reloaded with the same certificate first: its answer stays, nothing is fetched again
    CertificateSet again = load(a);
    stapler.track(again);
    assertThat(state(again).getString("status")).isEqualTo("good");
    assertThat(responder.requests()).isEqualTo(1);
    // a set without it: no longer followed
    stapler.track(load(b));
    assertThat(stapler.json(first.certificates().get(0).sha256())).isNull();
    assertThat(responder.requests()).isEqualTo(1);
  }
}
