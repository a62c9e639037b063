package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDN starts on a busy machine: while four CPU-bound processes per core run, an origin, a DNS
 * server and three edges start as separate processes (as {@code ./cdn demo} starts them, on
 * addresses of their own: 127.0.25.0/24 and free ports, so it needs no lock), and all of them join
 * one cluster and the geo name answers each client with its nearest edge (real DNS queries). Before
 * members kept trying to join, such a start failed with "Could not join cluster" after 5 s.
 */
class BusyMachineStartTest {

  static final String TOKEN = "busy-test-admin-token-0123456789";
  static final Duration DEADLINE = Duration.ofMinutes(6);

  /** One edge: id, coordinates, address; the same subnets as the demo go to the same edges. */
  record Edge(String id, double lat, double lon, String address) {}

  static final List<Edge> EDGES =
      List.of(
          new Edge("us-east", 39.04, -77.49, "127.0.25.11"),
          new Edge("eu-west", 50.11, 8.68, "127.0.25.12"),
          new Edge("ap-northeast", 35.68, 139.69, "127.0.25.13"));
  static final Map<String, String> EXPECTED =
      Map.of("81.2.69.0/24", "eu-west", "1.0.16.0/24", "ap-northeast", "8.8.8.0/24", "us-east");

  @TempDir Path dir;
  final List<Process> load = new ArrayList<>();
  final List<CommandProcess> children = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (CommandProcess c : children) {
      c.stop();
    }
    stopLoad();
  }

  @Test
  void everyMemberJoinsAndTheGeoNameAnswersUnderFourBusyProcessesPerCore() throws Exception {
    int hzPort = ThreadLocalRandom.current().nextInt(20000, 40000);
    int httpPort = freeTcpPort("127.0.25.11");
    int dnsPort = freeDnsPort();
    int originPort = freeTcpPort("127.0.0.1");
    String members =
        "[127.0.25.1:"
            + hzPort
            + ", "
            + String.join(", ", EDGES.stream().map(e -> e.address() + ":" + hzPort).toList())
            + "]";
    String secret = "busy-" + System.nanoTime() + "-secret";
    Files.createDirectories(dir.resolve("site"));
    Files.writeString(dir.resolve("site/index.html"), "busy machine\n");
    Files.writeString(
        dir.resolve("dns.yaml"),
        """
        listen: 127.0.0.1:%d
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
        cluster: {name: busy, secret: %s, bind: 127.0.25.1:%d, members: %s}
        """
            .formatted(dnsPort, secret, hzPort, members));
    for (Edge e : EDGES) {
      Files.writeString(
          dir.resolve(e.id() + ".yaml"),
          """
          id: %1$s
          region: %1$s
          latitude: %2$s
          longitude: %3$s
          listen: %4$s:%5$d
          advertise: {ipv4: %4$s, ipv6: null}
          capacity: 1000
          adminToken: %6$s
          cache: {memoryBytes: 16777216, maxObjectBytes: 1048576}
          origin: {connectTimeoutMillis: 2000, timeoutMillis: 10000}
          distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:%7$d"}]
          cluster: {name: busy, secret: %8$s, bind: %4$s:%9$d, members: %10$s}
          """
              .formatted(
                  e.id(),
                  e.lat(),
                  e.lon(),
                  e.address(),
                  httpPort,
                  TOKEN,
                  originPort,
                  secret,
                  hzPort,
                  members));
    }

    int busy = 4 * Runtime.getRuntime().availableProcessors();
    startLoad(busy);
    long start = System.nanoTime();
    start(
        "origin",
        "origin",
        "--listen",
        "127.0.0.1:" + originPort,
        "--root",
        dir.resolve("site").toString(),
        "--admin-token",
        TOKEN);
    start("dns", "dns", "--config", dir.resolve("dns.yaml").toString());
    for (Edge e : EDGES) {
      start("edge-" + e.id(), "edge", "--config", dir.resolve(e.id() + ".yaml").toString());
    }

    poll(
        () -> allAnswer(dnsPort, httpPort) || children.stream().anyMatch(c -> !c.isAlive()),
        DEADLINE);
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean ready = allAnswer(dnsPort, httpPort);
    System.out.printf(
        "busy machine (%d CPU-bound processes on %d cores): %s after %.1f s%n",
        busy, Runtime.getRuntime().availableProcessors(), ready ? "ready" : "NOT ready", seconds);
    for (CommandProcess c : children) {
      assertThat(c.isAlive()).as("still running; output:\n" + c.output()).isTrue();
    }
    assertThat(ready)
        .as("ready within " + DEADLINE + "; output of the DNS server:\n" + children.get(1).output())
        .isTrue();
    for (CommandProcess c : children.subList(1, children.size())) {
      assertThat(c.output())
          .as("logged its join")
          .contains("joined cluster busy")
          .doesNotContain("cannot join");
    }
    stopLoad();
    // the answers come from one cluster: the DNS server sees every edge's registry entry
    for (Map.Entry<String, String> x : EXPECTED.entrySet()) {
      String want =
          EDGES.stream()
              .filter(e -> e.id().equals(x.getValue()))
              .findFirst()
              .orElseThrow()
              .address();
      assertThat(Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", x.getKey(), true))
          .as(x.getKey() + " over TCP")
          .containsExactly(want);
    }
  }

  private boolean allAnswer(int dnsPort, int httpPort) {
    for (Edge e : EDGES) {
      if (!Readiness.httpOk("http://" + e.address() + ":" + httpPort + "/_cdn/health")) {
        return false;
      }
    }
    for (Map.Entry<String, String> x : EXPECTED.entrySet()) {
      String want =
          EDGES.stream()
              .filter(e -> e.id().equals(x.getValue()))
              .findFirst()
              .orElseThrow()
              .address();
      try {
        if (!Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", x.getKey(), false)
            .equals(List.of(want))) {
          return false;
        }
      } catch (Exception ex) {
        return false;
      }
    }
    return true;
  }

  private void start(String name, String... args) throws IOException {
    children.add(CommandProcess.start(name, args));
  }

  /** CPU-bound shell loops that also end when this JVM is gone (their parent). */
  private void startLoad(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      load.add(
          new ProcessBuilder("sh", "-c", "while kill -0 $PPID 2>/dev/null; do :; done")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectErrorStream(true)
              .start());
    }
  }

  private void stopLoad() {
    load.forEach(Process::destroyForcibly);
    for (Process p : load) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    load.clear();
  }

  static int freeTcpPort(String host) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      return s.getLocalPort();
    }
  }

  /** A port free for both UDP and TCP on 127.0.0.1. */
  static int freeDnsPort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (DatagramSocket u =
              new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
          ServerSocket t = new ServerSocket()) {
        t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), u.getLocalPort()));
        return u.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no port free for UDP and TCP");
  }

  static boolean poll(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(500);
    }
    return condition.getAsBoolean();
  }
}
