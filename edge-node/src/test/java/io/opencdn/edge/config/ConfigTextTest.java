package io.opencdn.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * An edge config printed (in a log line, an exception) carries neither the admin token nor the
 * cluster secret.
 */
class ConfigTextTest {

  @Test
  void theAdminTokenAndTheClusterSecretAreNeverPrinted() {
    EdgeConfig c =
        ConfigLoader.parse(
            """
        id: eu-west
        latitude: 50.11
        longitude: 8.68
        listen: 127.0.0.12:8080
        adminToken: admin-token-never-printed
        distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9090"}]
        cluster: {name: demo, secret: cluster-secret-never-printed, bind: 127.0.0.12:5701}
        """,
            "edge.yaml",
            EdgeConfig.class);

    assertThat(c.toString())
        .contains("id=eu-west", "adminToken=(25 characters)", "secret=(28 characters)")
        .doesNotContain("admin-token-never-printed", "cluster-secret-never-printed");
  }
}
