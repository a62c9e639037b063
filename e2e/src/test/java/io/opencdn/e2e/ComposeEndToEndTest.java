package io.opencdn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The user's stories on the real docker-compose deployment: resolve with DNS, fetch through the
 * chosen edge, over HTTPS too, fail over when an edge container stops, and keep serving cached
 * objects when the origin stops. Containers are reached at their fixed compose addresses.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeEndToEndTest {

  static final String US = "172.28.0.11";
  static final String EU = "172.28.0.12";
  static final String AP = "172.28.0.13";
  static final String ORIGIN = "172.28.0.10";
  static final List<Integer> DNS_PORTS = List.of(8053, 8054);
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  static final List<String> SERVICES =
      List.of("origin", "edge-us", "edge-eu", "edge-ap", "dns-1", "dns-2", "prometheus");
  static final String PROMETHEUS = "172.28.0.20";

  static DockerComposeContainer<?> compose;

  /** On the first failure, what each container is doing and the end of its log, for CI's record. */
  @RegisterExtension
  static final TestWatcher DIAGNOSE =
      new TestWatcher() {
        final AtomicBoolean done = new AtomicBoolean();

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (compose != null && done.compareAndSet(false, true)) {
            SERVICES.forEach(ComposeEndToEndTest::describe);
            probe();
          }
        }
      };

  @BeforeAll
  static void up() {
    File root = new File(System.getProperty("cdn.repo.root", ".."));
    compose =
        new DockerComposeContainer<>(new File(root, "docker-compose.yml"))
            .withLocalCompose(true)
            .withBuild(true)
            .withPull(
                false) // the images are built here; pre-pulling them from a registry only waits 2
            // min each
            .withEnv(
                "BASE_IMAGE", System.getenv().getOrDefault("BASE_IMAGE", "opencdn/jre17-local"))
            // the monitoring profile too: Prometheus scraping every member with the alert rules
            .withEnv("COMPOSE_PROFILES", "monitoring")
            .withEnv("CDN_CLUSTER_SECRET", "e2e-cluster-secret-0123456789")
            .withEnv("CDN_ADMIN_TOKEN", "e2e-admin-token-0123456789");
    try {
      compose.start();
    } catch (RuntimeException e) {
      SERVICES.forEach(ComposeEndToEndTest::describe);
      throw e;
    }
  }

  @AfterAll
  static void down() {
    if (compose != null) {
      compose.stop();
    }
  }

  @Test
  @Order(1)
  void resolvesEachClientToItsNearestEdgeOnBothDnsServers() throws Exception {
    for (int port : DNS_PORTS) {
      // the edges come up one by one: wait until every one is healthy and registered
      await(
          () ->
              resolve(port, "81.2.69.0/24").equals(List.of(EU))
                  && resolve(port, "1.0.16.0/24").equals(List.of(AP))
                  && resolve(port, "8.8.8.0/24").equals(List.of(US)),
          Duration.ofSeconds(120));
      assertThat(resolve(port, "81.2.69.0/24")).containsExactly(EU);
      assertThat(resolve(port, "1.0.16.0/24")).containsExactly(AP);
      assertThat(resolve(port, "8.8.8.0/24")).containsExactly(US);
    }
  }

  @Test
  @Order(3)
  void prometheusOfTheMonitoringProfileScrapesEveryMemberAndLoadsTheAlertRules() throws Exception {
    // three edges (with the admin token) and two DNS servers, every target up
    await(
        () -> {
          JsonObject targets = prometheus("/api/v1/targets");
          if (targets == null) {
            return false;
          }
          JsonArray active = targets.getJsonObject("data").getJsonArray("activeTargets");
          return active.size() == 5
              && active.stream().allMatch(t -> "up".equals(((JsonObject) t).getString("health")));
        },
        Duration.ofSeconds(120));
    JsonArray active =
        prometheus("/api/v1/targets").getJsonObject("data").getJsonArray("activeTargets");
    assertThat(active.stream().map(t -> ((JsonObject) t).getJsonObject("labels").getString("job")))
        .containsOnly("opencdn-edges", "opencdn-dns");
    JsonArray groups = prometheus("/api/v1/rules").getJsonObject("data").getJsonArray("groups");
    List<String> rules =
        groups.stream()
            .flatMap(g -> ((JsonObject) g).getJsonArray("rules").stream())
            .map(r -> ((JsonObject) r).getString("name"))
            .toList();
    assertThat(rules).contains("EdgeDown", "DnsServerDown", "ClusterMemberLost");
    // the scraped series are there: the edges' request counters
    JsonObject up =
        prometheus("/api/v1/query?query=count(up%7Bjob%3D%22opencdn-edges%22%7D%3D%3D1)");
    assertThat(
            up.getJsonObject("data")
                .getJsonArray("result")
                .getJsonObject(0)
                .getJsonArray("value")
                .getString(1))
        .isEqualTo("3");
  }

  /** Prometheus's JSON answer to {@code path}, or null while it does not answer. */
  static JsonObject prometheus(String path) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + PROMETHEUS + ":9090" + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Test
  @Order(2)
  void fetchesThroughTheChosenEdgeMissThenHitOriginCountedOnce() throws Exception {
    String edge = resolve(8053, "81.2.69.0/24").get(0);
    HttpResponse<String> first = get(edge, "/gen/e2e-object?size=4096&cc=max-age%3D600");
    HttpResponse<String> second = get(edge, "/gen/e2e-object?size=4096&cc=max-age%3D600");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("X-Cache").orElse("")).startsWith("Miss");
    assertThat(second.headers().firstValue("X-Cache").orElse("")).startsWith("Hit");
    assertThat(second.body()).isEqualTo(first.body()).hasSize(4096);
    // the origin's port is not published: it is reached at its compose address
    String stats =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://" + ORIGIN + ":9090/_origin/stats"))
                    .header("Authorization", "Bearer e2e-admin-token-0123456789")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(stats).contains("\"/gen/e2e-object\":1");
  }

  /**
   * HTTPS on every edge, at its compose address and through its published port: curl trusts only
   * the demo CA the edge image build made (copied out of a container), checks the certificate of
   * www.cdn.test and negotiates HTTP/2; without that CA it refuses the certificate.
   */
  @Test
  @Order(3)
  void everyEdgeServesHttpsWithTheCertificateOfTheImageBuild() throws Exception {
    Path ca = Files.createTempFile("opencdn-e2e-ca", ".pem");
    container("edge-eu").copyFileFromContainer("/opt/cdn/tls/ca.pem", ca.toString());
    List<String[]> edges =
        List.of(
            new String[] {US, "8443"},
            new String[] {"127.0.0.1", "8441"},
            new String[] {EU, "8443"},
            new String[] {"127.0.0.1", "8442"},
            new String[] {AP, "8443"},
            new String[] {"127.0.0.1", "8443"});
    for (String[] at : edges) {
      String path = "/gen/e2e-tls-" + at[0] + "-" + at[1] + "?size=2048&cc=max-age%3D600";
      Curl first = curl(at[0], Integer.parseInt(at[1]), path, "--cacert", ca.toString());
      Curl second = curl(at[0], Integer.parseInt(at[1]), path, "--cacert", ca.toString());
      assertThat(first.exit()).as(first.toString()).isZero();
      assertThat(first.result()).as(at[0] + ":" + at[1]).isEqualTo("2 200");
      assertThat(first.xCache()).startsWith("Miss");
      assertThat(second.xCache()).startsWith("Hit");
    }
    Curl untrusted = curl(EU, 8443, "/gen/e2e-untrusted?size=10");
    assertThat(untrusted.exit()).as("curl without the demo CA: " + untrusted).isEqualTo(60);
  }

  /** What curl said: exit code, "HTTP-version status", the X-Cache header, all it printed. */
  record Curl(int exit, String result, String xCache, String output) {}

  /**
   * {@code curl --http2} of {@code https://www.cdn.test:port/path}, the name resolved to {@code
   * ip}.
   */
  static Curl curl(String ip, int port, String path, String... options) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--http2",
                "--max-time",
                "10",
                "--resolve",
                "www.cdn.test:" + port + ":" + ip,
                "-o",
                "/dev/null",
                "-D",
                "-",
                "-w",
                "\nRESULT %{http_version} %{http_code}\n"));
    cmd.addAll(List.of(options));
    cmd.add("https://www.cdn.test:" + port + path);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String result =
        out.lines()
            .filter(l -> l.startsWith("RESULT "))
            .map(l -> l.substring(7).trim())
            .findFirst()
            .orElse("");
    String xCache =
        out.lines()
            .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("x-cache:"))
            .map(l -> l.substring(8).trim())
            .findFirst()
            .orElse("");
    return new Curl(p.exitValue(), result, xCache, out);
  }

  @Test
  @Order(4)
  void stoppedEdgeIsNoLongerAnsweredAndItsClientsGoToTheNextNearest() throws Exception {
    String id = containerId("edge-eu");
    DockerClientFactory.instance().client().stopContainerCmd(id).withTimeout(0).exec();
    long start = System.nanoTime();
    for (int port : DNS_PORTS) {
      await(() -> !resolve(port, "81.2.69.0/24").contains(EU), Duration.ofSeconds(10));
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("edge-eu stopped: DNS moved London away within " + millis + " ms");
    String next = resolve(8053, "81.2.69.0/24").get(0);
    assertThat(next).isEqualTo(US);
    assertThat(get(next, "/gen/after-failover?size=100").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(5)
  void restartedEdgeComesBack() throws Exception {
    DockerClientFactory.instance().client().startContainerCmd(containerId("edge-eu")).exec();
    for (int port : DNS_PORTS) {
      await(() -> resolve(port, "81.2.69.0/24").equals(List.of(EU)), Duration.ofSeconds(90));
    }
    assertThat(get(EU, "/gen/back?size=10").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(6)
  void stoppedOriginStillLetsEdgesServeWhatTheyCached() throws Exception {
    String fresh = "/gen/cached-before-outage?size=2048&cc=max-age%3D600";
    String soonStale = "/gen/stale-if-error?size=1024&cc=max-age%3D1%2C%20stale-if-error%3D600";
    HttpResponse<String> freshCopy = get(US, fresh);
    HttpResponse<String> staleCopy = get(US, soonStale);
    assertThat(freshCopy.statusCode()).isEqualTo(200);
    assertThat(staleCopy.statusCode()).isEqualTo(200);
    DockerClientFactory.instance()
        .client()
        .stopContainerCmd(containerId("origin"))
        .withTimeout(0)
        .exec();

    HttpResponse<String> r = get(US, fresh);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("X-Cache").orElse("")).startsWith("Hit");
    assertThat(r.body()).isEqualTo(freshCopy.body());
    // once max-age has run out, stale-if-error keeps serving the stored copy while the origin is
    // down
    await(
        () -> {
          HttpResponse<String> s = get(US, soonStale);
          assertThat(s.statusCode()).isEqualTo(200);
          assertThat(s.body()).isEqualTo(staleCopy.body());
          return Long.parseLong(s.headers().firstValue("Age").orElse("0")) >= 2;
        },
        Duration.ofSeconds(20));
    assertThat(get(US, "/gen/never-cached?size=10").statusCode()).isIn(502, 504);
  }

  static String containerId(String service) {
    return container(service).getContainerId();
  }

  static ContainerState container(String service) {
    return compose
        .getContainerByServiceName(service + "_1")
        .or(() -> compose.getContainerByServiceName(service))
        .orElseThrow(() -> new AssertionError("no container for " + service));
  }

  static void describe(String service) {
    try {
      ContainerState c = container(service);
      var info =
          DockerClientFactory.instance().client().inspectContainerCmd(c.getContainerId()).exec();
      var state = info.getState();
      String[] log = c.getLogs().split("\n");
      System.out.printf(
          "---- %s: %s, exit code %s, OOM-killed %s, restarts %s, started %s; last %d of %d log lines:%n",
          service,
          state.getStatus(),
          state.getExitCodeLong(),
          state.getOOMKilled(),
          info.getRestartCount(),
          state.getStartedAt(),
          Math.min(60, log.length),
          log.length);
      for (int i = Math.max(0, log.length - 60); i < log.length; i++) {
        System.out.println("  " + log[i]);
      }
    } catch (RuntimeException e) {
      System.out.println("---- " + service + ": cannot describe: " + e);
    }
  }

  /** What the host sees right now: each DNS server's answer, each edge's health, the routes. */
  static void probe() {
    System.out.println("---- from the host:");
    for (int port : DNS_PORTS) {
      for (String subnet : List.of("81.2.69.0/24", "1.0.16.0/24", "8.8.8.0/24")) {
        System.out.println(
            "  dns 127.0.0.1:" + port + " for " + subnet + ": " + resolve(port, subnet));
      }
    }
    for (String ip : List.of(US, EU, AP)) {
      try {
        System.out.println("  edge " + ip + " health: " + get(ip, "/_cdn/health").statusCode());
      } catch (Exception e) {
        System.out.println("  edge " + ip + " health: " + e);
      }
    }
    for (List<String> cmd :
        List.of(
            List.of("ip", "-4", "addr"),
            List.of("ip", "-4", "route"),
            List.of("iptables", "-S"),
            List.of("iptables", "-t", "nat", "-S"))) {
      try {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        System.out.println("  $ " + String.join(" ", cmd) + "\n" + out.indent(4));
      } catch (Exception e) {
        System.out.println("  $ " + String.join(" ", cmd) + ": " + e);
      }
    }
  }

  static HttpResponse<String> get(String edgeIp, String path) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://" + edgeIp + ":8080" + path))
            .header("Host", "www.cdn.test")
            .timeout(Duration.ofSeconds(10))
            .build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static List<String> resolve(int port, String subnet) {
    try {
      SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
      r.setPort(port);
      r.setTimeout(Duration.ofSeconds(1));
      Message q =
          Message.newQuery(Record.newRecord(Name.fromString("www.cdn.test."), Type.A, DClass.IN));
      String[] p = subnet.split("/");
      q.addRecord(
          new OPTRecord(
              1232,
              0,
              0,
              0,
              List.of(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])))),
          Section.ADDITIONAL);
      return r.send(q).getSection(Section.ANSWER).stream()
          .filter(x -> x instanceof ARecord)
          .map(x -> ((ARecord) x).getAddress().getHostAddress())
          .toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  static void await(Callable<Boolean> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(condition.call())) {
        return;
      }
      Thread.sleep(100);
    }
    assertThat(condition.call()).as("condition within " + timeout).isTrue();
  }
}
