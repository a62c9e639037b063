package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.EdgeConfigTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EdgeCommandTest {

  static EdgeCommand parse(String... args) {
    EdgeCommand c = new EdgeCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void standaloneModeLikeVarnishd() {
    EdgeConfig c =
        parse("--listen", "127.0.0.1:8080", "--origin", "http://127.0.0.1:9090").buildConfig();

    assertThat(c.id()).isEqualTo("edge");
    assertThat(c.listen().toString()).isEqualTo("127.0.0.1:8080");
    assertThat(c.distributions())
        .containsExactly(new DistributionConfig("*", "http://127.0.0.1:9090"));
    assertThat(c.cluster()).isNull();
  }

  @Test
  void overridesApplyToAConfigFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("edge.yaml");
    Files.writeString(file, EdgeConfigTest.MINIMAL);

    EdgeConfig c =
        parse("--config", file.toString(), "--id", "other", "--admin-token", "0123456789abcdef!")
            .buildConfig();

    assertThat(c.id()).isEqualTo("other");
    assertThat(c.adminToken()).isEqualTo("0123456789abcdef!");
    assertThat(c.latitude()).isEqualTo(50.11);
  }

  /** Issue 24: the overrides rebuilt the config without {@code tls} and {@code latency}. */
  @Test
  void overridesKeepEverySectionOfTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("edge.yaml");
    Files.writeString(
        file,
        EdgeConfigTest.MINIMAL
            + """
        region: europe
        capacity: 777
        advertise: {ipv4: 127.0.0.12, ipv6: "::1"}
        adminToken: from-the-file-0123456789
        cache: {memoryBytes: 3000000, maxObjectBytes: 100000, staleWhileRevalidateSeconds: 5}
        origin: {connectTimeoutMillis: 300, timeoutMillis: 4000}
        tls:
          listen: 127.0.0.12:8443
          certificates: [{cert: /etc/opencdn/www.pem, key: /etc/opencdn/www.key}]
          http2: false
        cluster: {name: c, secret: 0123456789abcdef, bind: 127.0.0.12:5701}
        clusterFill: {peerScope: any, leaseAttempts: 5}
        latency: {enabled: true, intervalMillis: 700, port: 8053}
        """);
    EdgeConfig loaded =
        io.opencdn.common.config.ConfigLocation.load(file.toString(), EdgeConfig.class);

    EdgeConfig c =
        parse("--config", file.toString(), "--id", "other", "--admin-token", "0123456789abcdef!")
            .buildConfig();
    EdgeConfig unchanged = parse("--config", file.toString()).buildConfig();

    assertThat(loaded.tls()).isNotNull();
    assertThat(loaded.latency().enabled()).isTrue();
    assertThat(c).usingRecursiveComparison().ignoringFields("id", "adminToken").isEqualTo(loaded);
    assertThat(unchanged).isEqualTo(loaded);
  }

  @Test
  void aBadOverrideNamesTheOption(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("edge.yaml");
    Files.writeString(file, EdgeConfigTest.MINIMAL);

    assertThatThrownBy(
            () -> parse("--config", file.toString(), "--admin-token", "short").buildConfig())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--admin-token: expected");
    assertThatThrownBy(() -> parse("--config", file.toString(), "--id", "Not An Id").buildConfig())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--id: expected");
  }

  @Test
  void missingOptionsAreAConfigError() {
    assertThatThrownBy(() -> parse("--listen", "127.0.0.1:8080").buildConfig())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () -> parse("--listen", "127.0.0.1:8080", "--origin", "gopher://x").buildConfig())
        .hasMessageContaining("origin");
  }

  @Test
  void badConfigPrintsOneLineAndExitsWith2(@TempDir Path dir) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code =
          new CommandLine(new EdgeCommand())
              .execute("--config", dir.resolve("missing.yaml").toString());
    } finally {
      System.setErr(saved);
    }

    assertThat(code).isEqualTo(2);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("edge: ").contains("missing.yaml: file not found");
    assertThat(text.strip().lines()).hasSize(1);
  }

  @Test
  void bindFailureExitsWith2() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      PrintStream saved = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code;
      try {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        code =
            new CommandLine(new EdgeCommand())
                .execute(
                    "--listen",
                    "127.0.0.1:" + taken.getLocalPort(),
                    "--origin",
                    "http://127.0.0.1:9090",
                    "--admin-token",
                    "0123456789abcdef0123");
      } finally {
        System.setErr(saved);
      }

      assertThat(code).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("edge: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void theConnectionsSectionSurvivesOverrides(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("edge.yaml");
    java.nio.file.Files.writeString(
        file, EdgeConfigTest.MINIMAL + "connections: {maxConnectionsPerAddress: 7}\n");
    EdgeCommand command = new EdgeCommand();
    new picocli.CommandLine(command).parseArgs("--config", file.toString(), "--id", "other");

    assertThat(command.buildConfig().connections().maxConnectionsPerAddress()).isEqualTo(7);
  }

  @Test
  void accessLogOptionTurnsItOffOrPicksTheFormat(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    EdgeConfig standalone =
        parse("--listen", "127.0.0.1:8080", "--origin", "http://127.0.0.1:9090").buildConfig();
    assertThat(standalone.accessLog().enabled()).isTrue();
    assertThat(standalone.accessLog().format()).isEqualTo("json");
    assertThat(
            parse(
                    "--listen",
                    "127.0.0.1:8080",
                    "--origin",
                    "http://127.0.0.1:9090",
                    "--access-log",
                    "off")
                .buildConfig()
                .accessLog()
                .enabled())
        .isFalse();
    java.nio.file.Path file = dir.resolve("edge.yaml");
    java.nio.file.Files.writeString(
        file, EdgeConfigTest.MINIMAL + "accessLog: {path: x.log, sampleRate: 0.5}\n");
    EdgeConfig c = parse("--config", file.toString(), "--access-log", "text").buildConfig();
    assertThat(c.accessLog())
        .isEqualTo(
            new io.opencdn.edge.config.AccessLogConfig(true, "text", "x.log", null, 0.5, null));
    assertThatThrownBy(
            () -> parse("--config", file.toString(), "--access-log", "xml").buildConfig())
        .isInstanceOf(ConfigException.class)
        .hasMessage("--access-log: expected off, json or text, got 'xml'");
  }
}
