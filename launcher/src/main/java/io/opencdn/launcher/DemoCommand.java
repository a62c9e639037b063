package io.opencdn.launcher;

import io.opencdn.common.config.AdminToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./cdn demo}: origin, three edges and the DNS server as separate processes on the loopback
 * addresses of the demo contract ({@link DemoTopology}); Ctrl-C stops all of them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole CDN on loopback; Ctrl-C stops all of it.",
      "Origin 127.0.0.1:9090, edges 127.0.0.11-13:8080 (RTMP :1935), DNS 127.0.0.1:8053 (UDP and TCP)."
    })
public final class DemoCommand implements Callable<Integer> {

  /** How often progress is printed while nothing changes. */
  static final int PROGRESS_SECONDS = 10;

  @Option(
      names = "--start-timeout",
      defaultValue = "300",
      description =
          "Seconds to wait for everything to be ready (default ${DEFAULT-VALUE}; a busy machine can take minutes).")
  int startTimeoutSeconds;

  @Option(
      names = "--acme-directory",
      paramLabel = "URL",
      description =
          "Have the edges' certificates issued by this ACME server (e.g. Pebble's https://127.0.0.1:14000/dir,"
              + " started with -dnsserver 127.0.0.1:8053) instead of the demo CA.")
  String acmeDirectory;

  @Option(
      names = "--acme-ca",
      paramLabel = "PEM",
      description =
          "CA certificate (PEM) to trust for the ACME server's own HTTPS when the JDK does not (Pebble's).")
  Path acmeCa;

  private final PrintStream out = System.out;
  private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());

  @Override
  public Integer call() throws Exception {
    String problem = DemoPreflight.preflight();
    if (problem != null) {
      System.err.println("demo: " + problem);
      return 2;
    }
    String acme;
    try {
      acme = DemoAcme.acmeSection(acmeDirectory, acmeCa);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    }
    Map<String, String> env = new HashMap<>();
    if (acme != null) {
      env.put("CDN_ACME", acme);
    }
    env.put("CDN_CLUSTER_SECRET", envOr("CDN_CLUSTER_SECRET", "demo-" + AdminToken.random()));
    env.put("CDN_ADMIN_TOKEN", envOr("CDN_ADMIN_TOKEN", AdminToken.random()));
    Path site = extractSite();
    DemoCertificates tls =
        DemoCertificates.create(
            Files.createTempDirectory("opencdn-demo-tls"), java.time.Instant.now());
    for (Path f : List.of(tls.dir(), tls.ca(), tls.cert(), tls.key())) {
      f.toFile().deleteOnExit(); // the directory last
    }
    env.put("CDN_TLS_CERT", tls.cert().toString());
    env.put("CDN_TLS_KEY", tls.key().toString());

    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-stop"));
    start(
        "origin",
        List.of(
            "origin",
            "--listen",
            DemoTopology.ORIGIN_HOST + ":" + DemoTopology.ORIGIN_PORT,
            "--root",
            site.toString()),
        env);
    start(
        "origin-standby",
        List.of(
            "origin",
            "--listen",
            DemoTopology.ORIGIN_HOST + ":" + DemoTopology.STANDBY_PORT,
            "--root",
            site.toString()),
        env);
    start(
        "dns",
        List.of(
            "dns",
            "--config",
            "classpath:demo/dns.yaml",
            "--admin",
            DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_ADMIN_PORT),
        env);
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      start("edge-" + e.id(), List.of("edge", "--config", e.config()), env);
    }

    if (!awaitReady(Duration.ofSeconds(startTimeoutSeconds))) {
      System.err.println("demo: stopping.");
      stopAll();
      return 1;
    }
    String version = publishDistributions(env, acme != null);
    if (version == null) {
      stopAll();
      return 1;
    }
    out.println(DemoBanner.text(env, version, tls, acmeDirectory, this::pid));
    CountDownLatch forever = new CountDownLatch(1);
    forever.await();
    return 0;
  }

  /**
   * Publishes the demo's {@code distributions.yaml} ({@link DemoTopology#DISTRIBUTIONS}) through an
   * edge's admin API, as {@code ./cdn config apply} does, and waits until every member runs it;
   * yields its version, or null (with the reason printed).
   */
  private String publishDistributions(Map<String, String> env, boolean acme) {
    try (InputStream in =
        DemoCommand.class.getClassLoader().getResourceAsStream(DemoTopology.DISTRIBUTIONS)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (acme) {
        text = DemoAcme.withAcmeCertificates(text);
      }
      io.opencdn.launcher.control.AdminClient admin =
          io.opencdn.launcher.control.AdminClient.of(null, env.get("CDN_ADMIN_TOKEN"));
      io.opencdn.launcher.control.AdminClient.Answer a =
          admin.post(
              "/_cdn/config?source=classpath:" + DemoTopology.DISTRIBUTIONS + "&message=demo",
              text);
      if (a.status() != 200) {
        System.err.println(
            "demo: publishing "
                + DemoTopology.DISTRIBUTIONS
                + " failed: "
                + a.status()
                + " "
                + a.body());
        return null;
      }
      String version =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(a.body())
              .path("version")
              .asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int members = DemoTopology.EDGES.size() + 1;
      while (System.nanoTime() < deadline) {
        com.fasterxml.jackson.databind.JsonNode s =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(admin.get("/_cdn/config").body())
                .path("members");
        long on =
            java.util.stream.StreamSupport.stream(s.spliterator(), false)
                .filter(m -> version.equals(m.path("version").asText()))
                .count();
        if (on >= members) {
          out.println(
              "demo: distributions version " + version + " runs on every edge and the DNS server");
          return version;
        }
        Thread.sleep(50);
      }
      System.err.println(
          "demo: distributions version " + version + " not on every member after 20 s");
      return null;
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "demo: publishing " + DemoTopology.DISTRIBUTIONS + " failed: " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void start(String name, List<String> args, Map<String, String> env) throws IOException {
    children.add(ChildProcess.start(name, args, env, out));
  }

  /**
   * Polls {@link DemoStatus} until every component is ready, printing progress when it changes and
   * every {@value #PROGRESS_SECONDS} s. A component that exits, or is not ready by the deadline,
   * ends the wait: its last log lines are printed and the result is false.
   */
  private boolean awaitReady(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String printed = null;
    long printedAt = 0;
    while (true) {
      ChildProcess gone = firstExited();
      if (gone != null) {
        System.err.println(
            "demo: "
                + gone.name()
                + " exited with code "
                + gone.exitCode()
                + " after "
                + seconds(start)
                + " s, before the demo was ready; its last lines:");
        printLastLines(gone);
        return false;
      }
      List<DemoStatus.Component> status = DemoStatus.probe();
      if (DemoStatus.allReady(status)) {
        out.println("demo: every component is ready after " + seconds(start) + " s");
        return true;
      }
      String line = DemoStatus.summary(status);
      long now = System.nanoTime();
      if (now - deadline > 0) {
        System.err.println("demo: not ready after " + timeout.toSeconds() + " s (" + line + ")");
        for (DemoStatus.Component c : status) {
          if (!c.ready()) {
            System.err.println("demo: " + c.name() + " is " + c.state() + "; its last lines:");
            child(c.name()).ifPresent(this::printLastLines);
          }
        }
        return false;
      }
      if (!line.equals(printed)
          || now - printedAt >= Duration.ofSeconds(PROGRESS_SECONDS).toNanos()) {
        out.println("demo: waiting " + seconds(start) + " s: " + line);
        printed = line;
        printedAt = now;
      }
      Thread.sleep(500);
    }
  }

  private ChildProcess firstExited() {
    synchronized (children) {
      return children.stream().filter(c -> !c.isAlive()).findFirst().orElse(null);
    }
  }

  private java.util.Optional<ChildProcess> child(String name) {
    synchronized (children) {
      return children.stream().filter(c -> c.name().equals(name)).findFirst();
    }
  }

  private void printLastLines(ChildProcess c) {
    List<String> lines = c.lastLines();
    if (lines.isEmpty()) {
      System.err.println("  [" + c.name() + "] (no output)");
    }
    lines.forEach(l -> System.err.println("  [" + c.name() + "] " + l));
  }

  private static String seconds(long sinceNanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
  }

  private void stopAll() {
    List<ChildProcess> copy;
    synchronized (children) {
      copy = new ArrayList<>(children);
    }
    Collections.reverse(copy);
    copy.parallelStream().forEach(c -> c.stop(10_000));
  }

  private long pid(String name) {
    synchronized (children) {
      return children.stream()
          .filter(c -> c.name().equals(name))
          .mapToLong(ChildProcess::pid)
          .findFirst()
          .orElse(-1);
    }
  }

  private static Path extractSite() throws IOException {
    Path dir = Files.createTempDirectory("opencdn-demo-site");
    dir.toFile().deleteOnExit();
    try (InputStream in =
        DemoCommand.class.getClassLoader().getResourceAsStream("demo/site/index.html")) {
      Path f = dir.resolve("index.html");
      Files.copy(in, f);
      f.toFile().deleteOnExit();
    }
    return dir;
  }

  private static String envOr(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }
}
