package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A component JVM started the way {@code ./cdn demo} starts its children. */
class ChildProcessTest {

  @Test
  void theCommandLineIsThisJavaWithTheComponentOptionsThenTheCdnCommand() {
    List<String> command = ChildProcess.command(List.of("-Xmx256m"), List.of("dns", "--help"));

    assertThat(command.get(0)).endsWith("java");
    assertThat(command).contains("-XX:+UseSerialGC", "--add-modules", "java.se");
    assertThat(command.subList(command.size() - 6, command.size()))
        .containsExactly(
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            Cdn.class.getName(),
            "dns",
            "--help");
  }

  @Test
  void itsOutputIsCopiedWithItsNameAndItsExitCodeKept() throws Exception {
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(copied, true, StandardCharsets.UTF_8);
    ChildProcess child = ChildProcess.start("help", List.of("--help"), Map.of(), out);
    try {
      Await.until(Duration.ofSeconds(60), () -> !child.isAlive());
      assertThat(child.exitCode()).isZero();
      assertThat(child.lastLines()).anyMatch(l -> l.contains("Usage:"));
      Await.until(
          Duration.ofSeconds(10),
          () -> copied.toString(StandardCharsets.UTF_8).contains("[help] exited with code 0"));
      assertThat(copied.toString(StandardCharsets.UTF_8)).contains("[help] Usage:");
    } finally {
      child.stop(1000);
    }
  }
}
