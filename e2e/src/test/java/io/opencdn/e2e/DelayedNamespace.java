package io.opencdn.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace joined to the host by a veth pair, in which the packets the namespace sends
 * to one host address are held for a fixed delay: real round-trip delay without the netem qdisc.
 *
 * <p>How: an iptables rule in the namespace's own {@code OUTPUT} chain ({@code -o NS_IF -d
 * DELAYED/32 -j NFQUEUE}) hands those packets to netfilter queue {@value #QUEUE}, and {@code
 * nfq_delayer} (C, {@code e2e/src/test/c/nfq_delayer.c}, compiled here with gcc against
 * libnetfilter_queue) runs in the namespace, holds each packet for the delay and then accepts it,
 * in order, at most {@value #MAX_HELD} at a time. Everything else crosses the veth pair at once.
 * The rule lives in the namespace, so the host's tables are never touched.
 *
 * <p>{@link #close()} stops the delayer (end of its standard input: it also ends if this JVM dies),
 * then deletes the namespace, which takes its rules, its end of the veth pair and the host end with
 * it; {@link #removeLeftovers} clears what a killed earlier run left. Needs root, iproute2,
 * iptables, gcc, libnetfilter-queue-dev and the kernel's nfnetlink_queue and xt_NFQUEUE.
 */
final class DelayedNamespace implements AutoCloseable {

  /** The netfilter queue number; queues are per network namespace, so no other user shares it. */
  static final int QUEUE = 17;

  /** Packets held at once (the kernel queue is bounded to the same length). */
  static final int MAX_HELD = 1024;

  private final String name;
  private final String hostIf;
  private final Process delayer;
  private final List<String> delayerOutput = new ArrayList<>();
  private final Thread outputReader;
  private long delayedPackets = -1;
  private boolean closed;

  private DelayedNamespace(String name, String hostIf, Process delayer) {
    this.name = name;
    this.hostIf = hostIf;
    this.delayer = delayer;
    this.outputReader = new Thread(this::readOutput, "nfq-delayer-output");
    outputReader.setDaemon(true);
    outputReader.start();
  }

  /**
   * Creates namespace {@code name} with {@code nsAddress/24} on {@code nsIf}, the host end {@code
   * hostIf} with {@code hostAddresses/24}, and a delay of {@code delayMillis} on every packet from
   * the namespace to {@code delayed}. Whatever was made is removed again if a step fails.
   */
  static DelayedNamespace create(
      String name,
      String hostIf,
      String nsIf,
      String nsAddress,
      List<String> hostAddresses,
      String delayed,
      int delayMillis)
      throws Exception {
    Path binary = compileDelayer();
    removeLeftovers(name, hostIf);
    Process process = null;
    try {
      sh(true, "ip", "netns", "add", name);
      sh(true, "ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
      sh(true, "ip", "link", "set", nsIf, "netns", name);
      for (String a : hostAddresses) {
        sh(true, "ip", "addr", "add", a + "/24", "dev", hostIf);
      }
      sh(true, "ip", "link", "set", hostIf, "up");
      sh(true, "ip", "-n", name, "addr", "add", nsAddress + "/24", "dev", nsIf);
      sh(true, "ip", "-n", name, "link", "set", nsIf, "up");
      sh(true, "ip", "-n", name, "link", "set", "lo", "up");
      sh(
          true,
          "ip",
          "netns",
          "exec",
          name,
          "iptables",
          "-w",
          "-A",
          "OUTPUT",
          "-o",
          nsIf,
          "-d",
          delayed + "/32",
          "-j",
          "NFQUEUE",
          "--queue-num",
          String.valueOf(QUEUE));
      process =
          new ProcessBuilder(
                  "ip",
                  "netns",
                  "exec",
                  name,
                  binary.toString(),
                  String.valueOf(QUEUE),
                  String.valueOf(delayMillis),
                  String.valueOf(MAX_HELD))
              .redirectErrorStream(true)
              .start();
      DelayedNamespace ns = new DelayedNamespace(name, hostIf, process);
      ns.awaitReady();
      return ns;
    } catch (Exception | Error e) {
      if (process != null) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      removeLeftovers(name, hostIf);
      throw e;
    }
  }

  /**
   * Packets the delayer held and then accepted, as it reported on exit; -1 before {@link #close()}.
   */
  long delayedPackets() {
    return delayedPackets;
  }

  /** Stops the delayer, reads its count, deletes the namespace and the veth pair. Idempotent. */
  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    try {
      delayer.getOutputStream().close();
      if (!delayer.waitFor(10, TimeUnit.SECONDS)) {
        delayer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      outputReader.join(10_000);
      synchronized (delayerOutput) {
        delayedPackets =
            delayerOutput.stream()
                .filter(l -> l.startsWith("delayed="))
                .findFirst()
                .map(l -> Long.parseLong(l.substring("delayed=".length()).split(" ")[0]))
                .orElse(-1L);
      }
    } finally {
      removeLeftovers(name, hostIf);
    }
    if (delayer.isAlive() || exists(name)) {
      throw new IllegalStateException(
          "namespace " + name + " or its delayer is still there after clean-up");
    }
  }

  /**
   * Deletes namespace {@code name} (with its rules and veth end) and the host end {@code hostIf},
   * if present.
   */
  static void removeLeftovers(String name, String hostIf) throws Exception {
    if (exists(name)) {
      sh(false, "ip", "netns", "del", name);
    }
    if (!sh(false, "ip", "link", "show", hostIf).isBlank()) {
      sh(false, "ip", "link", "del", hostIf);
    }
  }

  /** Whether a network namespace of this name exists. */
  static boolean exists(String name) throws Exception {
    return Arrays.stream(sh(false, "ip", "netns", "list").split("\n"))
        .anyMatch(l -> l.split(" ")[0].equals(name));
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      synchronized (delayerOutput) {
        if (delayerOutput.stream().anyMatch(l -> l.startsWith("ready "))) {
          return;
        }
      }
      if (!delayer.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    synchronized (delayerOutput) {
      throw new IllegalStateException(
          "nfq_delayer did not bind queue "
              + QUEUE
              + " in "
              + name
              + " (it needs the kernel's"
              + " nfnetlink_queue, CONFIG_NETFILTER_NETLINK_QUEUE): "
              + String.join(" | ", delayerOutput));
    }
  }

  /**
   * Reads the delayer's output lines into {@link #delayerOutput} until it ends (on {@link
   * #outputReader}).
   */
  private void readOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(delayer.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (delayerOutput) {
          delayerOutput.add(line);
        }
      }
    } catch (IOException e) {
      synchronized (delayerOutput) {
        delayerOutput.add("read failed: " + e);
      }
    }
  }

  /**
   * Compiles {@code nfq_delayer.c} into {@code e2e/target/nfq-delayer/}; fails naming the packages
   * it needs.
   */
  private static Path compileDelayer() throws Exception {
    Path module = Path.of(System.getProperty("cdn.repo.root", "..")).resolve("e2e");
    Path source = module.resolve("src/test/c/nfq_delayer.c");
    Path binary = module.resolve("target/nfq-delayer/nfq_delayer").toAbsolutePath();
    Files.createDirectories(binary.getParent());
    String out;
    try {
      out =
          sh(
              true,
              "gcc",
              "-O2",
              "-Wall",
              "-Wextra",
              "-Werror",
              "-o",
              binary.toString(),
              source.toString(),
              "-lnetfilter_queue");
    } catch (IOException | IllegalStateException e) {
      throw new IllegalStateException(
          "cannot build "
              + source
              + " (needs the Debian packages gcc and"
              + " libnetfilter-queue-dev; .ci/run installs them): "
              + e.getMessage(),
          e);
    }
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("gcc made no " + binary + ": " + out);
    }
    return binary;
  }

  /**
   * Runs a command; with {@code check} a non-zero exit fails with its output. Returns the output,
   * or "" on failure.
   */
  static String sh(boolean check, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
    }
    if (check && p.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
    }
    return p.exitValue() == 0 ? out : "";
  }
}
