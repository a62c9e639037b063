package io.opencdn.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.DistributionConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DistributionsTest {

  static final Distributions EXACT =
      new Distributions(
          List.of(
              new DistributionConfig("www.cdn.test", "http://127.0.0.1:9090"),
              new DistributionConfig("img.cdn.test", "http://127.0.0.1:9091")));
  static final Distributions WITH_ANY =
      new Distributions(
          List.of(
              new DistributionConfig("www.cdn.test", "http://127.0.0.1:9090"),
              new DistributionConfig("*", "http://127.0.0.1:9092")));

  @ParameterizedTest(name = "{0} -> {1} / {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // Host | origin port without * | origin port with *
        "www.cdn.test, 9090, 9090",
        "WWW.CDN.Test:8080, 9090, 9090",
        "www.cdn.test., 9090, 9090",
        "img.cdn.test, 9091, 9092",
        "evil.example, -, 9092",
        "[::1]:8080, -, 9092",
        "-, -, 9092",
      })
  void matchesByHost(String host, Integer exact, Integer withAny) {
    assertThat(port(EXACT.forName(Distributions.hostName(host)))).isEqualTo(exact);
    assertThat(port(WITH_ANY.forName(Distributions.hostName(host)))).isEqualTo(withAny);
  }

  private static Integer port(Distribution d) {
    return d == null ? null : d.origin().port();
  }
}
