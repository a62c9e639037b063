package io.opencdn.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.testing.TestClock;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check of OCSP answers before they are stapled. */
class OcspQueryTest {

  @TempDir Path dir;
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
  TestCa ca;
  TestOcspResponder responder;
  OcspQuery query;

  @BeforeEach
  void setUp() throws Exception {
    ca = new TestCa();
    responder = new TestOcspResponder(ca, clock);
    TestCa.Leaf leaf = ca.issue(dir, "leaf", "www.cdn.test", responder.url());
    query = OcspQuery.of(new X509Certificate[] {leaf.certificate(), ca.certificate()});
  }

  @AfterEach
  void tearDown() {
    responder.close();
  }

  @Test
  void readsTheResponderUrlAndChecksGoodAndRevokedAnswers() throws Exception {
    assertThat(query.url()).isEqualTo(responder.url());
    OcspQuery.Answer good = query.check(responder.answer(query.request()), clock.instant());
    assertThat(good.status()).isEqualTo("good");
    assertThat(good.nextUpdate()).isEqualTo(responder.nextUpdate());
    assertThat(good.thisUpdate()).isEqualTo(clock.instant().minus(Duration.ofHours(1)));
    responder.status(TestOcspResponder.Status.REVOKED);
    assertThat(query.check(responder.answer(query.request()), clock.instant()).status())
        .isEqualTo("revoked");
    responder.status(TestOcspResponder.Status.UNKNOWN);
    assertThat(query.check(responder.answer(query.request()), clock.instant()).status())
        .isEqualTo("unknown");
  }

  @Test
  void refusesAnExpiredOrFutureAnswer() throws Exception {
    byte[] der = responder.answer(query.request());
    assertThatThrownBy(() -> query.check(der, clock.instant().plus(Duration.ofDays(2))))
        .hasMessageContaining("expired");
    assertThatThrownBy(() -> query.check(der, clock.instant().minus(Duration.ofHours(2))))
        .hasMessageContaining("in the future");
  }

  @Test
  void refusesAnAnswerSignedByAnotherKey() throws Exception {
    try (TestOcspResponder impostor = new TestOcspResponder(new TestCa(), clock)) {
      byte[] der = impostor.answer(query.request());
      assertThatThrownBy(() -> query.check(der, clock.instant()))
          .hasMessageContaining("signed neither by the issuer");
    }
  }

  @Test
  void refusesAnAnswerAboutAnotherCertificate() throws Exception {
    TestCa.Leaf other = ca.issue(dir, "other", "other.test", responder.url());
    OcspQuery otherQuery =
        OcspQuery.of(new X509Certificate[] {other.certificate(), ca.certificate()});
    byte[] der = responder.answer(otherQuery.request());
    assertThatThrownBy(() -> query.check(der, clock.instant()))
        .hasMessageContaining("another certificate");
  }

  @Test
  void refusesGarbageAndUnsuccessfulResponses() {
    assertThatThrownBy(() -> query.check(new byte[] {1, 2, 3}, clock.instant()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an OCSP response");
    // OCSPResponse with status tryLater (3) and no body
    byte[] tryLater = {0x30, 0x03, 0x0a, 0x01, 0x03};
    assertThatThrownBy(() -> query.check(tryLater, clock.instant()))
        .hasMessageContaining("status 3");
  }

  @Test
  void aCertificateWithoutResponderOrIssuerHasNoQuery() throws Exception {
    TestCa.Leaf plain = ca.issue(dir, "plain", "plain.test", null);
    assertThatThrownBy(
            () -> OcspQuery.of(new X509Certificate[] {plain.certificate(), ca.certificate()}))
        .hasMessageContaining("no OCSP responder URL");
    TestCa.Leaf leaf = ca.issue(dir, "alone", "alone.test", responder.url());
    assertThatThrownBy(() -> OcspQuery.of(new X509Certificate[] {leaf.certificate()}))
        .hasMessageContaining("no issuer certificate");
  }
}
