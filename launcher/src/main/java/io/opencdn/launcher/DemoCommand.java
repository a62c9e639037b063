package io.opencdn.launcher;

import io.opencdn.common.config.AdminToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * {@code ./cdn demo}: origin, three edges and the DNS server as separate processes on the
 * loopback addresses of the demo contract ({@link DemoTopology}); Ctrl-C stops all of them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Runs the whole CDN on loopback; Ctrl-C stops all of it.",
        "Origin 127.0.0.1:9090, edges 127.0.0.11-13:8080, DNS 127.0.0.1:8053 (UDP and TCP)."})
public final class DemoCommand implements Callable<Integer> {

  @Option(names = "--start-timeout", defaultValue = "180", description = "Seconds to wait for everything to be ready (default ${DEFAULT-VALUE}).")
  int startTimeoutSeconds;

  private final PrintStream out = System.out;
  private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());

  @Override
  public Integer call() throws Exception {
    String problem = preflight();
    if (problem != null) {
      System.err.println("demo: " + problem);
      return 2;
    }
    Map<String, String> env = new HashMap<>();
    env.put("CDN_CLUSTER_SECRET", envOr("CDN_CLUSTER_SECRET", "demo-" + AdminToken.random()));
    env.put("CDN_ADMIN_TOKEN", envOr("CDN_ADMIN_TOKEN", AdminToken.random()));
    Path site = extractSite();

    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-stop"));
    start("origin", List.of("origin", "--listen", DemoTopology.ORIGIN_HOST + ":" + DemoTopology.ORIGIN_PORT, "--root", site.toString()), env);
    start("dns", List.of("dns", "--config", "classpath:demo/dns.yaml"), env);
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      start("edge-" + e.id(), List.of("edge", "--config", e.config()), env);
    }

    if (!awaitReady(Duration.ofSeconds(startTimeoutSeconds))) {
      System.err.println("demo: not ready after " + startTimeoutSeconds + " s; see the log lines above. Stopping.");
      stopAll();
      return 1;
    }
    printBanner(env);
    CountDownLatch forever = new CountDownLatch(1);
    forever.await();
    return 0;
  }

  private void start(String name, List<String> args, Map<String, String> env) throws IOException {
    children.add(ChildProcess.start(name, args, env, out));
  }

  private boolean awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String origin = "http://" + DemoTopology.ORIGIN_HOST + ":" + DemoTopology.ORIGIN_PORT + "/_origin/health";
    if (!Readiness.await(() -> Readiness.httpOk(origin) || allDead(), remaining(deadline))) {
      return false;
    }
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      if (!Readiness.await(() -> Readiness.httpOk(e.baseUrl() + "/_cdn/health") || allDead(), remaining(deadline))) {
        return false;
      }
    }
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      String want = DemoTopology.edge(x.edgeId()).address();
      if (!Readiness.await(() -> answers(x.subnet()).contains(want) || allDead(), remaining(deadline))) {
        return false;
      }
    }
    return !allDead();
  }

  private static List<String> answers(String subnet) {
    try {
      return Readiness.resolve(DemoTopology.DNS_HOST, DemoTopology.DNS_PORT, DemoTopology.GEO_NAME, subnet, false);
    } catch (Exception e) {
      return List.of();
    }
  }

  private boolean allDead() {
    synchronized (children) {
      return children.stream().noneMatch(ChildProcess::isAlive);
    }
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }

  private void stopAll() {
    List<ChildProcess> copy;
    synchronized (children) {
      copy = new ArrayList<>(children);
    }
    Collections.reverse(copy);
    copy.parallelStream().forEach(c -> c.stop(10_000));
  }

  private void printBanner(Map<String, String> env) {
    String dig = "dig @" + DemoTopology.DNS_HOST + " -p " + DemoTopology.DNS_PORT + " www.cdn.test";
    StringBuilder b = new StringBuilder("\n");
    b.append("OpenCDN demo is running. Ctrl-C stops all of it.\n\n");
    b.append(String.format("  %-19s %-26s pid %d%n", "origin", "http://127.0.0.1:" + DemoTopology.ORIGIN_PORT, pid("origin")));
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      b.append(String.format("  %-19s %-26s pid %d%n", "edge " + e.id() + " (" + e.city() + ")", e.baseUrl(), pid("edge-" + e.id())));
    }
    b.append(String.format("  %-19s %-26s pid %d%n", "dns", DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_PORT + " udp+tcp", pid("dns")));
    b.append("\nResolve (the answer is the nearest healthy edge):\n");
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      b.append(String.format("  %s +subnet=%s +short   # %s -> %s%n", dig, x.subnet(), x.where(), DemoTopology.edge(x.edgeId()).address()));
    }
    b.append("  ").append(dig).append(" +tcp +subnet=81.2.69.0/24 +short\n");
    b.append("  dig @127.0.0.1 -p 8053 cdn.test SOA     dig @127.0.0.1 -p 8053 nothere.cdn.test\n");
    b.append("\nFetch through an edge (X-Cache: Miss, then Hit):\n");
    b.append("  curl -si -H 'Host: www.cdn.test' http://127.0.0.12:8080/index.html\n");
    b.append("  curl -si -H 'Host: www.cdn.test' 'http://127.0.0.12:8080/gen/video.bin?size=1048576' -o /dev/null -D -\n");
    b.append("  curl -s -H 'Authorization: Bearer ").append(env.get("CDN_ADMIN_TOKEN")).append("' http://127.0.0.1:9090/_origin/stats\n");
    b.append("\nFail over: kill -9 ").append(pid("edge-eu-west"))
        .append("   (eu-west) and London is answered with the next-nearest edge within seconds.\n");
    b.append("Bring it back: CDN_CLUSTER_SECRET=").append(env.get("CDN_CLUSTER_SECRET"))
        .append(" ./cdn edge --config classpath:demo/edge-eu-west.yaml\n");
    out.println(b);
  }

  private long pid(String name) {
    synchronized (children) {
      return children.stream().filter(c -> c.name().equals(name)).mapToLong(ChildProcess::pid).findFirst().orElse(-1);
    }
  }

  /** Null when the demo can start; else what is in the way and how to fix it. */
  static String preflight() {
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      String p = tcpFree(e.address(), e.httpPort());
      if (p != null) {
        return p;
      }
    }
    String p = tcpFree(DemoTopology.ORIGIN_HOST, DemoTopology.ORIGIN_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.DNS_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.CLUSTER_PORT);
    if (p != null) {
      return p;
    }
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(DemoTopology.DNS_HOST), DemoTopology.DNS_PORT))) {
      return null;
    } catch (IOException e) {
      return "UDP " + DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_PORT + " is in use (is another demo running?)";
    }
  }

  private static String tcpFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (java.net.BindException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("assign")) {
        return "cannot bind " + host + ": this system does not route all of 127.0.0.0/8 to loopback"
            + " (on macOS: sudo ifconfig lo0 alias " + host + ")";
      }
      return host + ":" + port + " is in use (is another demo running?)";
    } catch (IOException e) {
      return "cannot bind " + host + ":" + port + ": " + e.getMessage();
    }
  }

  private static Path extractSite() throws IOException {
    Path dir = Files.createTempDirectory("opencdn-demo-site");
    dir.toFile().deleteOnExit();
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream("demo/site/index.html")) {
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
