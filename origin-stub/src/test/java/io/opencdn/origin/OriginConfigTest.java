package io.opencdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.ConfigLocation;
import io.opencdn.common.config.Endpoint;
import org.junit.jupiter.api.Test;

class OriginConfigTest {

  @Test
  void defaults() {
    OriginConfig c = OriginConfig.defaults();
    assertThat(c.listen()).isEqualTo(new Endpoint("127.0.0.1", 9090));
    assertThat(c.root()).isNull();
    assertThat(c.adminToken()).isNull();
    assertThat(c.fileCacheControl()).isEqualTo("max-age=60");
    assertThat(new OriginConfig(null, " ", "", null)).isEqualTo(c);
  }

  @Test
  void loadsAllKeysFromYaml() {
    OriginConfig c =
        ConfigLoader.parse(
            """
        listen: 0.0.0.0:8081
        root: /srv/www
        adminToken: abcdefghijklmnopqrstuvwxyz
        fileCacheControl: public, max-age=300
        """,
            "origin.yaml",
            OriginConfig.class);
    assertThat(c)
        .isEqualTo(
            new OriginConfig(
                Endpoint.parse("0.0.0.0:8081"),
                "/srv/www",
                "abcdefghijklmnopqrstuvwxyz",
                "public, max-age=300"));
  }

  @Test
  void emptyFileCacheControlMeansNone() {
    assertThat(
            ConfigLoader.parse("fileCacheControl: ''", "o.yaml", OriginConfig.class)
                .fileCacheControl())
        .isEmpty();
  }

  @Test
  void embeddedDefaultLoads() {
    OriginConfig c = ConfigLocation.load("classpath:origin/origin.yaml", OriginConfig.class);
    assertThat(c.listen()).isEqualTo(OriginConfig.DEFAULT_LISTEN);
    assertThat(c.root()).isNull();
  }

  @Test
  void errorsNameTheFileAndKey() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("adminToken: short", "origin.yaml", OriginConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "origin.yaml: key 'adminToken': expected at least 16 characters, got 5 characters");
    assertThatThrownBy(
            () -> ConfigLoader.parse("listen: nohost", "origin.yaml", OriginConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("origin.yaml: key 'listen': expected host:port");
    assertThatThrownBy(() -> ConfigLoader.parse("rooot: /srv", "origin.yaml", OriginConfig.class))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 'rooot': unknown key");
  }

  @Test
  void withersReplaceOneValue() {
    OriginConfig c =
        OriginConfig.defaults()
            .withRoot("/a")
            .withListen(Endpoint.parse("127.0.0.1:1"))
            .withAdminToken("0123456789abcdef");
    assertThat(c)
        .isEqualTo(new OriginConfig(Endpoint.parse("127.0.0.1:1"), "/a", "0123456789abcdef"));
  }

  @Test
  void anExampleTokenIsRefusedUnlessTheListenerIsLoopback() {
    assertThatThrownBy(
            () ->
                new OriginConfig(
                    Endpoint.parse("0.0.0.0:9090"), null, "local-trial-token-change-me"))
        .hasMessageStartingWith("key 'adminToken': expected a value of your own")
        .hasMessageContaining("0.0.0.0:9090");
    OriginConfig local =
        new OriginConfig(Endpoint.parse("127.0.0.1:9090"), null, "local-trial-token-change-me");
    assertThatThrownBy(() -> local.withListen(Endpoint.parse("172.28.0.10:9090")))
        .hasMessageContaining("'adminToken'");
  }
}
