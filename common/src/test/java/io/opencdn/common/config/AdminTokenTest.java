package io.opencdn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdminTokenTest {

  @Test
  void acceptsOnlyTheBearerToken() {
    AdminToken t = AdminToken.of("0123456789abcdef0");
    assertThat(t.accepts("Bearer 0123456789abcdef0")).isTrue();
    assertThat(t.accepts("bearer 0123456789abcdef0")).isTrue();
    assertThat(t.accepts("Bearer 0123456789abcdef")).isFalse();
    assertThat(t.accepts("0123456789abcdef0")).isFalse();
    assertThat(t.accepts(null)).isFalse();
  }

  @Test
  void generatesARandomTokenWhenNoneIsConfigured() {
    assertThat(AdminToken.of(null).value()).hasSize(32).isNotEqualTo(AdminToken.of("").value());
    assertThatThrownBy(() -> AdminToken.of("short")).isInstanceOf(ConfigException.class);
  }
}
