package io.opencdn.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ./cdn <command> ...} running as its own JVM from the test class path (as {@code ./cdn
 * demo} starts its children), with its output lines collected. Its stdin is a pipe from this JVM
 * ({@link Cdn#EXIT_WITH_PARENT}), so it never outlives the test run.
 */
final class CommandProcess {

  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private CommandProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /**
   * Starts {@code java ... io.opencdn.launcher.Cdn args}; the CDN_* variables of this JVM are not
   * passed on.
   */
  static CommandProcess start(String name, String... args) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(ChildProcess.command(List.of("-Xmx256m"), List.of(args)))
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CDN_"));
    pb.environment().put(Cdn.EXIT_WITH_PARENT, "1");
    CommandProcess p = new CommandProcess(name, pb.start());
    Thread pump = new Thread(p::pump, "out-" + name);
    pump.setDaemon(true);
    pump.start();
    return p;
  }

  private void pump() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
      }
    } catch (IOException ignored) {
      // the process is gone
    } finally {
      pumpDone = true;
    }
  }

  /**
   * The first output line matching {@code pattern}, waiting up to {@code timeout}; fails when the
   * process exits first.
   */
  Matcher await(Pattern pattern, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : lines) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            name
                + ": no line matching "
                + pattern
                + (process.isAlive()
                    ? " within " + timeout
                    : ", exited with " + process.exitValue())
                + "; output:\n"
                + output());
      }
      Thread.sleep(50);
    }
  }

  /** Everything it printed so far. */
  String output() {
    return String.join("\n", lines);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits for the process to exit (a one-shot command); its exit code, or fails after {@code
   * timeout}.
   */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          name + ": still running after " + timeout + "; output:\n" + output());
    }
    // let the pump read the last lines
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (pumping() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return process.exitValue();
  }

  private volatile boolean pumpDone;

  private boolean pumping() {
    return !pumpDone;
  }

  /** SIGKILL, at once (a crash); waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Waits up to {@code timeout} for the process to exit by itself; yields its exit code, or -1
   * while it runs.
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** SIGTERM (as Ctrl-C), SIGKILL after 20 s; yields the exit code. */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }
}
