package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge starts while the cluster does not answer: the only other member (a DNS server) is
 * stopped with SIGSTOP, so it accepts connections and says nothing, as a member on an overloaded
 * host does. The edge does not give up (before, it exited with "Could not join cluster" after 5
 * seconds): it keeps running, its health endpoint answers 503 JOINING, it logs what answered at
 * the member addresses; once the DNS server continues (SIGCONT), the edge joins, turns healthy,
 * and the DNS server answers with it. Separate processes, as users start them, on 127.0.26.0/24.
 */
class StalledMemberJoinTest {

  static final String TOKEN = "stalled-test-admin-token-0123456789";

  @TempDir Path dir;
  final List<ChildProcess> children = new ArrayList<>();
  final List<String> output = new CopyOnWriteArrayList<>();
  long stoppedPid = -1;

  @AfterEach
  void stopEverything() throws Exception {
    if (stoppedPid > 0) {
      signal("CONT", stoppedPid);
    }
    children.forEach(c -> c.stop(10_000));
  }

  @Test
  void anEdgeKeepsTryingWhileTheClusterDoesNotAnswerAndJoinsWhenItDoes() throws Exception {
    int hzPort = ThreadLocalRandom.current().nextInt(20000, 40000);
    int httpPort = BusyMachineStartTest.freeTcpPort("127.0.26.12");
    int dnsPort = BusyMachineStartTest.freeDnsPort();
    String members = "[127.0.26.1:" + hzPort + ", 127.0.26.12:" + hzPort + "]";
    String secret = "stalled-" + System.nanoTime() + "-secret";
    Files.writeString(dir.resolve("dns.yaml"), """
        listen: 127.0.0.1:%d
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
        cluster: {name: stalled, secret: %s, bind: 127.0.26.1:%d, members: %s}
        """.formatted(dnsPort, secret, hzPort, members));
    Files.writeString(dir.resolve("edge.yaml"), """
        id: eu-west
        region: eu-west
        latitude: 50.11
        longitude: 8.68
        listen: 127.0.26.12:%1$d
        advertise: {ipv4: 127.0.26.12, ipv6: null}
        capacity: 1000
        adminToken: %2$s
        cache: {memoryBytes: 16777216, maxObjectBytes: 1048576}
        origin: {connectTimeoutMillis: 2000, timeoutMillis: 10000}
        distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9"}]
        cluster: {name: stalled, secret: %3$s, bind: 127.0.26.12:%4$d, members: %5$s}
        """.formatted(httpPort, TOKEN, secret, hzPort, members));

    ChildProcess dns = start("dns", "dns", "--config", dir.resolve("dns.yaml").toString());
    assertThat(poll(() -> logged("dns", "joined cluster stalled") || !dns.isAlive(), Duration.ofMinutes(3)))
        .as("the DNS server forms the cluster; output:\n" + String.join("\n", output)).isTrue();
    stoppedPid = dns.pid();
    signal("STOP", stoppedPid);

    ChildProcess edge = start("edge-eu-west", "edge", "--config", dir.resolve("edge.yaml").toString());
    String health = "http://127.0.26.12:" + httpPort + "/_cdn/health";
    assertThat(poll(() -> logged("edge-eu-west", "still joining after") || !edge.isAlive(), Duration.ofMinutes(3)))
        .as("the edge reports that it is still joining; output:\n" + String.join("\n", output)).isTrue();
    assertThat(edge.isAlive()).as("the edge keeps running; its last lines:\n" + String.join("\n", edge.lastLines())).isTrue();
    assertThat(output).as("it says what answered at the DNS server's address")
        .anyMatch(l -> l.startsWith("[edge-eu-west]") && l.contains("still joining after") && l.contains("127.0.26.1:" + hzPort));
    HttpResponse<String> joining = get(health);
    assertThat(joining.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(joining.body()).getString("state")).isEqualTo("JOINING");
    assertThat(new JsonObject(joining.body()).getString("detail")).startsWith("joining cluster stalled for ");

    signal("CONT", stoppedPid);
    stoppedPid = -1;
    assertThat(poll(() -> Readiness.httpOk(health) || !edge.isAlive(), Duration.ofMinutes(3)))
        .as("the edge joins once the cluster answers; output:\n" + String.join("\n", output)).isTrue();
    assertThat(poll(() -> answers(dnsPort).equals(List.of("127.0.26.12")), Duration.ofMinutes(1)))
        .as("the DNS server answers with the edge, so both are in one cluster").isTrue();
    assertThat(edge.isAlive() && dns.isAlive()).isTrue();
  }

  private boolean logged(String name, String text) {
    return output.stream().anyMatch(l -> l.startsWith("[" + name + "]") && l.contains(text));
  }

  private static List<String> answers(int dnsPort) {
    try {
      return Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", "81.2.69.0/24", false);
    } catch (Exception e) {
      return List.of();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private ChildProcess start(String name, String... args) throws java.io.IOException {
    ChildProcess c = ChildProcess.start(name, List.of(args), Map.of(),
        new PrintStream(new BusyMachineStartTest.LineSink(output), true, StandardCharsets.UTF_8));
    children.add(c);
    return c;
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
  }

  private static boolean poll(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
    return BusyMachineStartTest.poll(condition, timeout);
  }
}
