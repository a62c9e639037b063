package io.opencdn.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cdn dns keys}: the keys with their states and the DS; one-line errors with exit code 2.
 */
class KeysCommandTest {

  @TempDir Path dir;

  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli =
        new CommandLine(
            new KeysCommand(Clock.fixed(Instant.parse("2026-12-07T12:00:00Z"), ZoneOffset.UTC)));
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void printsKeysStatesAndTheDs() throws Exception {
    Path config = dir.resolve("dns.yaml");
    Files.writeString(
        config,
        "zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\ndnssec: {keyDirectory: k}\n");
    String[] before = run("--config", config.toString());
    assertThat(before[0]).isEqualTo("0");
    assertThat(before[1]).contains("zone cdn.test.", "no keys yet");
    String[] made = run("--config", config.toString(), "--create");
    assertThat(made[0]).isEqualTo("0");
    assertThat(made[1])
        .contains(
            "csk",
            "ECDSAP256SHA256",
            "active",
            "(in CDS/CDNSKEY)",
            "DS for the parent zone:",
            "cdn.test. 3600 IN DS ");
    ZoneKey key = KeyFiles.read(dir.resolve("k")).get(0);
    assertThat(made[1]).contains("IN DS " + key.tag() + " 13 2 ");
    assertThat(run("--config", config.toString())[1]).isEqualTo(made[1]);
  }

  @Test
  void aConfigWithoutDnssecIsAnError() throws Exception {
    Path config = dir.resolve("plain.yaml");
    Files.writeString(config, "zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n");
    String[] r = run("--config", config.toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2].trim())
        .isEqualTo("dns keys: " + config + ": no 'dnssec' section: the zones are not signed");
    Files.writeString(
        config,
        "zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\ndnssec: {algorithm: RSA}\n");
    String[] bad = run("--config", config.toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2])
        .contains("dnssec.algorithm")
        .contains("ECDSAP256SHA256 (13) or ED25519 (15)");
  }
}
