package io.opencdn.edge.admin.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.TestClock;
import org.junit.jupiter.api.Test;

class StatusSessionsTest {

  final TestClock clock = new TestClock();
  final StatusSessions sessions = new StatusSessions(clock);

  @Test
  void aCodeOpensOneSessionOnce() {
    String code = sessions.issue();
    assertThat(code).matches("[0-9a-f]{32}");
    String session = sessions.redeem(code);
    assertThat(session).matches("[0-9a-f]{32}").isNotEqualTo(code);
    assertThat(sessions.valid(session)).isTrue();
    assertThat(sessions.redeem(code)).as("a used link").isNull();
    assertThat(sessions.valid(code)).as("a code is not a session").isFalse();
  }

  @Test
  void unknownAndExpiredCodesOpenNothing() {
    assertThat(sessions.redeem(null)).isNull();
    assertThat(sessions.redeem("nope")).isNull();
    assertThat(sessions.valid(null)).isFalse();
    String code = sessions.issue();
    clock.advance(StatusSessions.CODE_MILLIS + 1);
    assertThat(sessions.redeem(code)).isNull();
  }

  @Test
  void sessionsEnd() {
    String session = sessions.redeem(sessions.issue());
    clock.advance(StatusSessions.SESSION_MILLIS - 1);
    assertThat(sessions.valid(session)).isTrue();
    clock.advance(2);
    assertThat(sessions.valid(session)).isFalse();
  }

  @Test
  void codesAreBoundedOldestFirst() {
    String first = sessions.issue();
    for (int i = 0; i < 1000; i++) {
      sessions.issue();
    }
    assertThat(sessions.redeem(first)).isNull();
  }
}
