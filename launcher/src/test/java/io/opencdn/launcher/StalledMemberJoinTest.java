package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge starts while the cluster does not answer: the only other member (a DNS server) is stopped
 * with SIGSTOP, so it accepts connections and says nothing, as a member on an overloaded host does.
 * The edge does not give up (before, it exited with "Could not join cluster" after 5 seconds): it
 * keeps running, its health endpoint answers 503 JOINING, it logs what answered at the member
 * addresses; once the DNS server continues (SIGCONT), the edge joins, turns healthy, and the DNS
 * server answers with it. Separate processes, as users start them, on 127.0.26.0/24.
 */
class StalledMemberJoinTest {

  static final String TOKEN = "stalled-test-admin-token-0123456789";

  @TempDir Path dir;
  final List<CommandProcess> children = new ArrayList<>();
  long stoppedPid = -1;

  @AfterEach
  void stopEverything() throws Exception {
    if (stoppedPid > 0) {
      signal("CONT", stoppedPid);
    }
    for (CommandProcess c : children) {
      c.stop();
    }
  }

  @Test
  void anEdgeKeepsTryingWhileTheClusterDoesNotAnswerAndJoinsWhenItDoes() throws Exception {
    int hzPort = ThreadLocalRandom.current().nextInt(20000, 40000);
    int httpPort = BusyMachineStartTest.freeTcpPort("127.0.26.12");
    int dnsPort = BusyMachineStartTest.freeDnsPort();
    String members = "[127.0.26.1:" + hzPort + ", 127.0.26.12:" + hzPort + "]";
    String secret = "stalled-" + System.nanoTime() + "-secret";
    Files.writeString(
        dir.resolve("dns.yaml"),
        """
        listen: 127.0.0.1:%d
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
        health: {intervalMillis: 500, timeoutMillis: 400, fall: 2, rise: 2}
        cluster: {name: stalled, secret: %s, bind: 127.0.26.1:%d, members: %s}
        """
            .formatted(dnsPort, secret, hzPort, members));
    Files.writeString(
        dir.resolve("edge.yaml"),
        """
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
        """
            .formatted(httpPort, TOKEN, secret, hzPort, members));

    CommandProcess dns = start("dns", "dns", "--config", dir.resolve("dns.yaml").toString());
    dns.await(Pattern.compile("joined cluster stalled"), Duration.ofMinutes(3));
    stoppedPid = dns.pid();
    signal("STOP", stoppedPid);

    CommandProcess edge = start("edge", "edge", "--config", dir.resolve("edge.yaml").toString());
    String health = "http://127.0.26.12:" + httpPort + "/_cdn/health";
    // fails if the edge exits first (as it did after "Could not join cluster" when it gave up after
    // 5 s)
    edge.await(
        Pattern.compile("still joining after \\d+ s \\(attempt 1\\); .*127\\.0\\.26\\.1:" + hzPort),
        Duration.ofMinutes(3));
    HttpResponse<String> joining = get(health);
    assertThat(joining.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(joining.body()).getString("state")).isEqualTo("JOINING");
    assertThat(new JsonObject(joining.body()).getString("detail"))
        .startsWith("joining cluster stalled for ");

    signal("CONT", stoppedPid);
    stoppedPid = -1;
    assertThat(poll(() -> Readiness.httpOk(health) || !edge.isAlive(), Duration.ofMinutes(3)))
        .as("the edge joins once the cluster answers; output:\n" + edge.output())
        .isTrue();
    assertThat(poll(() -> answers(dnsPort).equals(List.of("127.0.26.12")), Duration.ofMinutes(1)))
        .as("the DNS server answers with the edge, so both are in one cluster")
        .isTrue();
    assertThat(edge.isAlive() && dns.isAlive()).isTrue();
  }

  private static List<String> answers(int dnsPort) {
    try {
      return Readiness.resolve("127.0.0.1", dnsPort, "www.cdn.test.", "81.2.69.0/24", false);
    } catch (Exception e) {
      return List.of();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private CommandProcess start(String name, String... args) throws java.io.IOException {
    CommandProcess c = CommandProcess.start(name, args);
    children.add(c);
    return c;
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
  }

  private static boolean poll(java.util.function.BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    return BusyMachineStartTest.poll(condition, timeout);
  }
}
