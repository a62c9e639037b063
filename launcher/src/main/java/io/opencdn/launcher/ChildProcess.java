package io.opencdn.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One component of the demo running as its own JVM. Its output is copied to ours with a {@code
 * [name]} prefix, and its last {@value #KEPT_LINES} lines are kept to show when it fails; its stdin
 * is a pipe that closes when we die, so it never outlives us.
 */
final class ChildProcess {

  /** Output lines kept for {@link #lastLines()}. */
  static final int KEPT_LINES = 30;

  private final String name;
  private final Process process;
  private final java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
  private Thread pump;

  private ChildProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  /** Starts {@code java -cp <our classpath> io.opencdn.launcher.Cdn <args>}. */
  static ChildProcess start(
      String name, List<String> cdnArgs, Map<String, String> env, PrintStream out)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command(List.of(), cdnArgs)).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put(Cdn.EXIT_WITH_PARENT, "1");
    Process p = pb.start();
    ChildProcess child = new ChildProcess(name, p);
    child.pump = new Thread(() -> child.pump(out), "out-" + name);
    child.pump.setDaemon(true);
    child.pump.start();
    return child;
  }

  /**
   * The command line of {@code ./cdn <cdnArgs>} in a JVM of its own: the java of this process, its
   * class path, the JVM options the components need (serial GC, the module exports and opens of
   * Hazelcast and Netty), then {@code jvmOptions}.
   */
  static List<String> command(List<String> jvmOptions, List<String> cdnArgs) {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                java,
                "-XX:+UseSerialGC",
                "--add-modules",
                "java.se",
                "--add-exports",
                "java.base/jdk.internal.ref=ALL-UNNAMED",
                "--add-opens",
                "java.base/java.lang=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens",
                "java.management/sun.management=ALL-UNNAMED",
                "--add-opens",
                "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cdn.class.getName()));
    command.addAll(cdnArgs);
    return command;
  }

  private void pump(PrintStream out) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        out.println("[" + name + "] " + line);
        synchronized (last) {
          if (last.size() == KEPT_LINES) {
            last.removeFirst();
          }
          last.addLast(line);
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
    try {
      int code = process.waitFor();
      out.println(
          "["
              + name
              + "] exited with code "
              + code
              + (code == 137 || code == 143 ? " (killed)" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, or -1 while running. */
  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /**
   * The last lines of its output (at most {@value #KEPT_LINES}); after it exited, once its output
   * has been read to the end (waiting up to two seconds).
   */
  List<String> lastLines() {
    if (!process.isAlive()) {
      try {
        pump.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (last) {
      return List.copyOf(last);
    }
  }

  /** SIGTERM, then SIGKILL after {@code graceMillis}. */
  void stop(long graceMillis) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
