package io.opencdn.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class OriginCommandTest {

  @TempDir Path tmp;

  private final StringWriter err = new StringWriter();

  private int run(OriginCommand cmd, String... args) {
    return new CommandLine(cmd).setErr(new PrintWriter(err, true)).execute(args);
  }

  private static OriginCommand parsed(Map<String, String> env, String... args) {
    OriginCommand cmd = new OriginCommand();
    cmd.env = env;
    new CommandLine(cmd).parseArgs(args);
    return cmd;
  }

  @Test
  void nonexistentRootIsOneLineAndExit2() {
    int code =
        run(
            new OriginCommand(),
            "--listen",
            "127.0.0.1:0",
            "--root",
            tmp.resolve("nope").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "origin: root directory "
                + tmp.resolve("nope")
                + " does not exist or is not a directory"
                + System.lineSeparator());
  }

  @Test
  void badListenAndShortTokenAreExit2() {
    assertThat(run(new OriginCommand(), "--listen", "nohost")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("origin: --listen: expected host:port")
        .doesNotContain("Exception");
    assertThat(run(new OriginCommand(), "--admin-token", "short")).isEqualTo(2);
    assertThat(err.toString()).contains("origin: --admin-token: expected at least 16 characters");
  }

  @Test
  void badConfigFileIsExit2NamingTheFile() throws Exception {
    Path yaml = Files.writeString(tmp.resolve("origin.yaml"), "listen: [1, 2]\n");
    assertThat(run(new OriginCommand(), "--config", yaml.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("origin: " + yaml + ": key 'listen'");
  }

  @Test
  void portInUseIsExit2() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(run(new OriginCommand(), "--listen", "127.0.0.1:" + taken.getLocalPort()))
          .isEqualTo(2);
      assertThat(err.toString())
          .startsWith("origin: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void flagsOverrideTheConfigFileAndRootIsRelativeToIt() throws Exception {
    Files.createDirectory(tmp.resolve("www"));
    Path other = Files.createDirectory(tmp.resolve("other"));
    Path yaml =
        Files.writeString(
            tmp.resolve("origin.yaml"),
            """
        listen: 127.0.0.1:7000
        root: www
        adminToken: from-the-config-file-123
        fileCacheControl: no-cache
        """);
    OriginConfig fromFile = parsed(Map.of(), "--config", yaml.toString()).effectiveConfig();
    assertThat(fromFile)
        .isEqualTo(
            new OriginConfig(
                Endpoint.parse("127.0.0.1:7000"),
                tmp.resolve("www").toString(),
                "from-the-config-file-123",
                "no-cache"));

    OriginConfig overridden =
        parsed(
                Map.of("CDN_ADMIN_TOKEN", "from-the-environment-1"),
                "--config",
                yaml.toString(),
                "--listen",
                "127.0.0.1:0",
                "--root",
                other.toString(),
                "--admin-token",
                "from-the-command-line")
            .effectiveConfig();
    assertThat(overridden)
        .isEqualTo(
            new OriginConfig(
                Endpoint.parse("127.0.0.1:0"),
                other.toString(),
                "from-the-command-line",
                "no-cache"));
  }

  @Test
  void adminTokenComesFromTheEnvironmentWhenNotGiven() {
    assertThat(
            parsed(Map.of("CDN_ADMIN_TOKEN", "from-the-environment-1"))
                .effectiveConfig()
                .adminToken())
        .isEqualTo("from-the-environment-1");
    assertThat(parsed(Map.of()).effectiveConfig()).isEqualTo(OriginConfig.defaults());
    assertThat(
            parsed(
                    Map.of("CDN_ADMIN_TOKEN", "from-the-environment-1"),
                    "--admin-token",
                    "from-the-command-line")
                .effectiveConfig()
                .adminToken())
        .isEqualTo("from-the-command-line");
  }

  @Test
  void startServesFilesAndStops() throws Exception {
    Path www = Files.createDirectory(tmp.resolve("site"));
    Files.writeString(www.resolve("index.html"), "<h1>hi</h1>");
    OriginCommand.Running running =
        parsed(
                Map.of(),
                "--listen",
                "127.0.0.1:0",
                "--root",
                www.toString(),
                "--admin-token",
                "command-test-token-42")
            .start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + running.port() + "/"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("<h1>hi</h1>");
      assertThat(running.server().adminToken()).isEqualTo("command-test-token-42");
      assertThat(running.server().requests("/")).isEqualTo(1);
    } finally {
      running.close();
    }
  }

  @Test
  void startRethrowsConfigProblems() {
    assertThatThrownBy(() -> parsed(Map.of(), "--root", tmp.resolve("missing").toString()).start())
        .isInstanceOf(ConfigException.class);
  }
}
