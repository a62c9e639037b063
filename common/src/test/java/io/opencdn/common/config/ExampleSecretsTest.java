package io.opencdn.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExampleSecretsTest {

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1, true",
    "127.0.0.12, true",
    "::1, true",
    "[::1], true",
    "localhost, true",
    "LOCALHOST, true",
    "0.0.0.0, false",
    "172.28.0.12, false",
    "::, false",
    "edge-eu, false",
    "127.example.com, false",
    "10.0.0.1, false"
  })
  void loopbackIsTheLoopbackRangeAndLocalhostOnly(String host, boolean loopback) {
    assertThat(ExampleSecrets.isLoopback(host)).isEqualTo(loopback);
  }

  @ParameterizedTest
  @CsvSource({
    "local-trial-secret-change-me, true",
    "local-trial-token-change-me, true",
    "change-me-0123456789, true",
    "CHANGE-ME-please-0123456789, true",
    "e2e-cluster-secret-0123456789, false",
    "0123456789abcdef, false"
  })
  void examplesCarryTheMarker(String value, boolean example) {
    assertThat(ExampleSecrets.isExample(value)).isEqualTo(example);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"127.0.0.12:8080", "127.0.0.12:8080,[::1]:8443", "localhost:8080"})
  void anExampleIsAcceptedWhileEveryListenerIsLoopback(String listeners) {
    ExampleSecrets.refuseExposed("adminToken", "local-trial-token-change-me", endpoints(listeners));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"0.0.0.0:8080", "127.0.0.12:8080,172.28.0.12:5701", "edge-eu:8080"})
  void anExampleIsRefusedWithTheKeyWhenAListenerIsNotLoopback(String listeners) {
    List<Endpoint> list = endpoints(listeners);
    assertThatThrownBy(
            () ->
                ExampleSecrets.refuseExposed(
                    "cluster.secret", "local-trial-secret-change-me", list))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("key 'cluster.secret': expected a value of your own")
        .hasMessageContaining(list.get(list.size() - 1).toString())
        .hasMessageNotContaining("local-trial-secret-change-me");
    ExampleSecrets.refuseExposed("cluster.secret", "a-secret-of-my-own-0123", list);
  }

  static List<Endpoint> endpoints(String text) {
    return Arrays.stream(text.split(",")).map(Endpoint::parse).toList();
  }
}
