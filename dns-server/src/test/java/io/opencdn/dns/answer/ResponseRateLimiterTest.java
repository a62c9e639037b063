package io.opencdn.dns.answer;

import static io.opencdn.dns.TestSupport.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.dns.answer.ResponseRateLimiter.Verdict;
import io.opencdn.dns.config.RrlConfig;
import io.opencdn.testing.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ResponseRateLimiterTest {

  private final TestClock clock = new TestClock();

  private static RrlConfig rrl(int rate, int slip, int window) {
    return new RrlConfig(true, rate, slip, window, null, null);
  }

  private static List<Verdict> burst(ResponseRateLimiter limiter, String address, int n) {
    List<Verdict> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(limiter.check(ip(address)));
    }
    return out;
  }

  @Test
  void allowsTheRateThenAlternatesDropAndSlip() {
    ResponseRateLimiter limiter = new ResponseRateLimiter(rrl(5, 2, 15), clock);
    assertThat(burst(limiter, "198.51.100.7", 9))
        .containsExactly(
            Verdict.SEND,
            Verdict.SEND,
            Verdict.SEND,
            Verdict.SEND,
            Verdict.SEND,
            Verdict.DROP,
            Verdict.SLIP,
            Verdict.DROP,
            Verdict.SLIP);
  }

  @Test
  void slipZeroDropsAllAndSlipOneSlipsAll() {
    assertThat(burst(new ResponseRateLimiter(rrl(1, 0, 15), clock), "198.51.100.7", 4))
        .containsExactly(Verdict.SEND, Verdict.DROP, Verdict.DROP, Verdict.DROP);
    assertThat(burst(new ResponseRateLimiter(rrl(1, 1, 15), clock), "198.51.100.7", 4))
        .containsExactly(Verdict.SEND, Verdict.SLIP, Verdict.SLIP, Verdict.SLIP);
  }

  record Pair(String first, String second, boolean shared) {}

  static Stream<Pair> networks() {
    return Stream.of(
        new Pair("198.51.100.7", "198.51.100.250", true), // same /24
        new Pair("198.51.100.7", "198.51.101.7", false), // next /24
        new Pair("2001:db8:0:ab00::1", "2001:db8:0:abff:ffff::9", true), // same /56
        new Pair("2001:db8:0:ab00::1", "2001:db8:0:ac00::1", false), // next /56
        new Pair("0.0.0.1", "::2", false)); // families never share
  }

  @ParameterizedTest
  @MethodSource("networks")
  void accountsPerClientNetwork(Pair p) {
    ResponseRateLimiter limiter = new ResponseRateLimiter(rrl(3, 0, 15), clock);
    assertThat(burst(limiter, p.first(), 3)).containsOnly(Verdict.SEND);
    assertThat(limiter.check(ip(p.second()))).isEqualTo(p.shared() ? Verdict.DROP : Verdict.SEND);
  }

  @Test
  void refillsWithTimeButAFloodStaysInDebtForTheWindow() {
    ResponseRateLimiter limiter = new ResponseRateLimiter(rrl(10, 0, 5), clock);
    burst(limiter, "203.0.113.1", 10 + 100); // 100 over the limit: debt capped at 5 s * 10/s = 50
    clock.advance(1000);
    assertThat(limiter.check(ip("203.0.113.1")))
        .as("still in debt after 1 s")
        .isEqualTo(Verdict.DROP);
    clock.advance(6000);
    assertThat(burst(limiter, "203.0.113.1", 10))
        .as("quiet for the window: a full second's worth again")
        .containsOnly(Verdict.SEND);
    assertThat(limiter.check(ip("203.0.113.1"))).isEqualTo(Verdict.DROP);
    clock.advance(100);
    assertThat(limiter.check(ip("203.0.113.1")))
        .as("100 ms refill one token")
        .isEqualTo(Verdict.DROP);
    clock.advance(300);
    assertThat(limiter.check(ip("203.0.113.1"))).isEqualTo(Verdict.SEND);
  }

  /** The i-th distinct /24 of a spoofed flood (public space from 11.0.0.0 on). */
  static java.net.InetAddress network(int i) throws java.net.UnknownHostException {
    int v = (11 << 24) + (i << 8) + 1;
    return java.net.InetAddress.getByAddress(
        new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
  }

  @Test
  void aFloodOfSpoofedNetworksNeitherGrowsTheTableNorFreesTheNetworkUnderAttack() throws Exception {
    ResponseRateLimiter limiter = new ResponseRateLimiter(rrl(20, 0, 15), clock);
    // the victim's network is flooded (reflection): in debt
    burst(limiter, "81.2.69.1", 400);
    assertThat(limiter.check(ip("81.2.69.1"))).isEqualTo(Verdict.DROP);

    // meanwhile 500 000 other networks (twice the table) pass by, 100 per ms (5 s, all within
    // the window: none idle), while the victim keeps receiving 1000 responses a second
    for (int i = 0; i < 500_000; i++) {
      limiter.check(network(i));
      if (i % 100 == 99) {
        clock.advance(1);
      }
      if (i % 100 == 99) {
        assertThat(limiter.check(ip("81.2.69.1")))
            .as("victim still limited after %d networks", i + 1)
            .isEqualTo(Verdict.DROP);
      }
    }

    assertThat(limiter.networks()).isLessThanOrEqualTo(ResponseRateLimiter.CAPACITY);
    assertThat(limiter.check(ip("81.2.69.1"))).isEqualTo(Verdict.DROP);
    // and a network of the flood that comes back is accounted again, from a fresh bucket at worst
    assertThat(limiter.check(network(3))).isEqualTo(Verdict.SEND);
  }

  @Test
  void loopbackIsNeverLimited() {
    ResponseRateLimiter limiter = new ResponseRateLimiter(rrl(1, 0, 15), clock);
    assertThat(burst(limiter, "127.0.0.1", 50)).containsOnly(Verdict.SEND);
    assertThat(burst(limiter, "::1", 50)).containsOnly(Verdict.SEND);
    assertThat(limiter.networks()).isZero();
  }

  @Test
  void configValidatesAndDefaults() {
    RrlConfig d = RrlConfig.DEFAULT;
    assertThat(d.enabled()).isTrue();
    assertThat(
            List.of(d.responsesPerSecond(), d.slip(), d.window(), d.ipv4Prefix(), d.ipv6Prefix()))
        .containsExactly(20, 2, 15, 24, 56);
    assertThatThrownBy(() -> new RrlConfig(true, 0, null, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("responsesPerSecond");
    assertThatThrownBy(() -> new RrlConfig(true, null, 11, null, null, null))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("slip");
    assertThatThrownBy(() -> new RrlConfig(true, null, null, null, null, 64))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ipv6Prefix");
  }
}
