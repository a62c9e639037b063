package io.opencdn.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DnsCommandTest {

  @TempDir Path dir;

  /** Runs the command and returns exit code and stderr. */
  private String[] run(String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new DnsCommand()).execute(args);
      return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setErr(saved);
    }
  }

  @Test
  void helpListsTheOptions() {
    java.io.StringWriter out = new java.io.StringWriter();
    CommandLine cmd = new CommandLine(new DnsCommand());
    cmd.setOut(new java.io.PrintWriter(out, true));
    assertThat(cmd.execute("--help")).isZero();
    assertThat(out.toString())
        .contains("--config", "--listen", "--geoip", "classpath:demo/dns.yaml");
  }

  @Test
  void aMissingConfigIsOneLineAndExitCode2() {
    String[] r = run("--config", dir.resolve("none.yaml").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1])
        .isEqualTo(
            "dns: " + dir.resolve("none.yaml") + ": file not found" + System.lineSeparator());
  }

  @Test
  void aBadConfigValueIsNamed() throws Exception {
    Path cfg = dir.resolve("dns.yaml");
    Files.writeString(
        cfg,
        "zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\nrouting: [{name: www.cdn.test., ttl: 0}]\n");
    String[] r = run("--config", cfg.toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).startsWith("dns: " + cfg + ": key 'routing[0].ttl'").doesNotContain("\tat ");
  }

  @Test
  void badOverridesAreReported() throws Exception {
    String[] listen = run("--config", "classpath:test-dns.yaml", "--listen", "nonsense");
    assertThat(listen[0]).isEqualTo("2");
    assertThat(listen[1]).startsWith("dns: --listen: expected host:port");
    String[] geoip =
        run("--config", "classpath:test-dns.yaml", "--geoip", dir.resolve("x.mmdb").toString());
    assertThat(geoip[0]).isEqualTo("2");
    assertThat(geoip[1])
        .isEqualTo(
            "dns: "
                + dir.resolve("x.mmdb")
                + ": GeoIP database not found or not readable"
                + System.lineSeparator());
  }

  @Test
  void aTakenPortIsOneLineAndExitCode2() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      String[] r =
          run(
              "--config",
              "classpath:test-dns.yaml",
              "--listen",
              "127.0.0.1:" + taken.getLocalPort());
      assertThat(r[0]).isEqualTo("2");
      assertThat(r[1])
          .startsWith("dns: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasLineCount(1);
    }
  }
}
