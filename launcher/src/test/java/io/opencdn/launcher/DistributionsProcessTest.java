package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opencdn.common.distribution.DistributionsDocument;
import io.opencdn.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane on real processes, as an operator runs it: two {@code ./cdn origin}, a {@code
 * ./cdn dns} and three {@code ./cdn edge} in one cluster, {@code ./cdn config ...} as commands. A
 * first version, then a second that adds a host and routes {@code /api/*} to the second origin
 * uncached (every edge and the DNS server within 1 s of {@code apply} returning); ten URLs
 * differing only in an ignored query string make one origin request; an invalid document changes
 * nothing and names each mistake; killing the group's primary origin moves requests to the standby
 * without an error; rollback restores the first version everywhere.
 */
class DistributionsProcessTest {

  static final String TOKEN = "distributions-test-token-0123456789";
  static final String SECRET = "distributions-test-secret-0123456789";
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  final List<Integer> edgePorts = new ArrayList<>();
  ProcessCluster cluster;

  @Test
  void versionsRollOutLiveAndBack() throws Exception {
    cluster = new ProcessCluster(dir, "dist-test", SECRET, 2000, 8000);
    try {
      CommandProcess one = origin("one", "primary");
      CommandProcess two = origin("two", "standby");
      Files.writeString(
          Files.createDirectories(dir.resolve("two/site/api")).resolve("hello.txt"),
          "api answer\n");
      int onePort = port(one, "origin listening on http://127\\.0\\.0\\.1:(\\d+)");
      int twoPort = port(two, "origin listening on http://127\\.0\\.0\\.1:(\\d+)");
      CommandProcess dns = start("dns", "dns", "--config", dnsConfig().toString());
      int dnsPort = port(dns, "dns listening on 127\\.0\\.0\\.1:(\\d+) udp\\+tcp");
      for (String id : List.of("e1", "e2", "e3")) {
        CommandProcess e = start(id, "edge", "--config", edgeConfig(id).toString());
        edgePorts.add(port(e, "edge " + id + " listening on http://127\\.0\\.0\\.1:(\\d+)"));
      }
      Path member = dir.resolve("e1.yaml");

      // version 1: one host, everything to the group [one, two]
      Path v1 = write("v1.yaml", document(onePort, twoPort, false));
      assertThat(
              cdn(
                  "config",
                  "apply",
                  v1.toString(),
                  "--message",
                  "first",
                  "--config",
                  member.toString()))
          .isZero();
      String h1 = DistributionsDocument.hashOf(Files.readString(v1));
      awaitTrue(() -> allOn(h1, 4), Duration.ofSeconds(10), "every member on version 1");
      for (int port : edgePorts) {
        assertThat(get(port, "www.dist.test", "/index.html").body()).isEqualTo("primary\n");
        assertThat(get(port, "shop.dist.test", "/index.html").statusCode()).isEqualTo(421);
      }

      // the checks below time the system, not this JVM's first DNS query (class loading,
      // connection)
      awaitTrue(
          () -> !DnsQueries.a(dnsPort, "www.dist.test.", "81.2.69.0/24").isEmpty(),
          Duration.ofSeconds(10),
          "the DNS server answers www.dist.test");
      assertThat(DnsQueries.a(dnsPort, "shop.dist.test.", "81.2.69.0/24")).isEmpty();

      // version 2: adds shop.dist.test and /api/* -> two, uncached; every member switched within 1
      // s
      // of apply returning (the members' own switch times; the serving checks below poll from this
      // JVM, whose timing on a loaded machine says more about the machine than about the members)
      Path v2 = write("v2.yaml", document(onePort, twoPort, true));
      assertThat(
              cdn(
                  "config",
                  "apply",
                  v2.toString(),
                  "--message",
                  "second",
                  "--config",
                  member.toString()))
          .isZero();
      long appliedAt = System.currentTimeMillis();
      String h2 = DistributionsDocument.hashOf(Files.readString(v2));
      awaitTrue(() -> allOn(h2, 4), Duration.ofSeconds(10), "every member reports version 2");
      long lastSwitch = 0;
      for (JsonNode m : status().path("members")) {
        lastSwitch = Math.max(lastSwitch, m.path("since").asLong());
      }
      System.out.println(
          "version 2: last member switched "
              + (lastSwitch - appliedAt)
              + " ms after apply returned");
      assertThat(lastSwitch - appliedAt)
          .as("apply returned -> last edge or DNS server switched, ms")
          .isLessThanOrEqualTo(1000);
      awaitTrue(
          () ->
              edgePorts.stream()
                  .allMatch(
                      p -> "api answer\n".equals(body(p, "shop.dist.test", "/api/hello.txt"))),
          Duration.ofSeconds(10),
          "every edge serves version 2");
      awaitTrue(
          () -> !DnsQueries.a(dnsPort, "shop.dist.test.", "81.2.69.0/24").isEmpty(),
          Duration.ofSeconds(10),
          "the DNS server answers the new host");
      get(edgePorts.get(0), "shop.dist.test", "/api/hello.txt");
      assertThat(requests(twoPort, "/api/hello.txt"))
          .as("uncached: each request reaches the origin")
          .isGreaterThanOrEqualTo(4);

      // ten URLs differing only in utm_source: one origin request
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r =
            get(edgePorts.get(0), "www.dist.test", "/gen/page.txt?size=64&utm_source=" + i);
        assertThat(r.statusCode()).isEqualTo(200);
      }
      assertThat(requests(onePort, "/gen/page.txt")).isEqualTo(1);

      // an invalid document: exit 1, each mistake named, nothing changes anywhere
      Path bad =
          write(
              "bad.yaml",
              """
          distributions:
            - id: www
              hosts: [www.dist.test]
              origins: [{id: one, url: "ftp://nowhere"}]
              behaviors:
                - {path: "/api/*", target: missing}
                - {path: "/x/*", target: one}
          """);
      CommandProcess refused =
          start("bad-apply", "config", "apply", bad.toString(), "--config", member.toString());
      assertThat(refused.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(refused.output())
          .contains(bad + ":4: key 'distributions[0].origins[0].url'")
          .contains(bad + ":6: key 'distributions[0].behaviors[0].target'")
          .contains(bad + ":7: key 'distributions[0].behaviors[1].path'");
      assertThat(allOn(h2, 4)).isTrue();

      // the group's primary dies: requests go to the standby, no error reaches a client
      one.kill();
      for (int port : edgePorts) {
        HttpResponse<String> r = get(port, "www.dist.test", "/gen/after.txt?size=32");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(32);
      }
      assertThat(requests(twoPort, "/gen/after.txt")).isGreaterThanOrEqualTo(1);

      // rollback: version 1 everywhere (shop.dist.test gone again)
      assertThat(cdn("config", "rollback", "--config", member.toString())).isZero();
      awaitTrue(() -> allOn(h1, 4), Duration.ofSeconds(5), "every member back on version 1");
      for (int port : edgePorts) {
        assertThat(get(port, "shop.dist.test", "/api/hello.txt").statusCode()).isEqualTo(421);
      }
      CommandProcess status = start("status", "config", "status", "--config", member.toString());
      assertThat(status.waitFor(Duration.ofSeconds(60))).isZero();
      assertThat(status.output())
          .contains("current: " + h1)
          .contains("e1")
          .contains("e2")
          .contains("e3")
          .contains("dns-");
    } catch (Exception | AssertionError e) {
      for (CommandProcess p : cluster.processes()) {
        String[] lines = p.output().split("\n");
        System.err.println(
            "---- "
                + String.join(
                    "\n",
                    java.util.Arrays.asList(lines)
                        .subList(Math.max(0, lines.length - 25), lines.length)));
      }
      throw e;
    } finally {
      cluster.close();
    }
  }

  private String document(int onePort, int twoPort, boolean second) {
    return """
        distributions:
          - id: www
            hosts: [www.dist.test%s]
            origins:
              - {id: one, url: "http://127.0.0.1:%d", attempts: 1, connectTimeoutMillis: 500}
              - {id: two, url: "http://127.0.0.1:%d"}
            originGroups:
              - {id: site, members: [one, two]}
            behaviors:
        %s      - {path: "/gen/*", target: site, cachePolicy: ignore-utm}
              - {path: "*", target: site, cachePolicy: CachingOptimized}
        cachePolicies:
          - {name: ignore-utm, minTtl: 0, defaultTtl: 600, maxTtl: 3600, queryStrings: {deny: [utm_source]}}
        """
        .formatted(
            second ? ", shop.dist.test" : "",
            onePort,
            twoPort,
            second
                ? "      - {path: \"/api/*\", target: two, cachePolicy: CachingDisabled, originRequestPolicy: AllViewer}\n"
                : "");
  }

  private JsonNode status() throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + edgePorts.get(0) + "/_cdn/config"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private boolean allOn(String hash, int members) throws Exception {
    JsonNode s = status();
    int on = 0;
    for (JsonNode m : s.path("members")) {
      on += hash.equals(m.path("version").asText()) ? 1 : 0;
    }
    return on == members && s.path("members").size() == members;
  }

  private CommandProcess origin(String name, String index) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name + "/site"));
    Files.writeString(d.resolve("index.html"), index + "\n");
    Path cfg =
        write(
            name + "/origin.yaml",
            """
        listen: 127.0.0.1:0
        root: site
        adminToken: %s
        fileCacheControl: max-age=600
        """
                .formatted(TOKEN));
    return start(name, "origin", "--config", cfg.toString());
  }

  private Path dnsConfig() throws Exception {
    return cluster.dnsConfig(
        "dist.test", "{intervalMillis: 200, timeoutMillis: 150, fall: 1, rise: 1}", "");
  }

  private Path edgeConfig(String id) throws Exception {
    return write(
        id + ".yaml",
        """
        id: %s
        latitude: 50.1
        longitude: 8.7
        listen: 127.0.0.1:%d
        advertise: {ipv4: 127.0.0.1}
        adminToken: %s
        cluster: %s
        """
            .formatted(id, Ports.free(), TOKEN, cluster.cluster()));
  }

  private Path write(String name, String text) throws Exception {
    return cluster.write(name, text);
  }

  private CommandProcess start(String name, String... args) throws Exception {
    return cluster.start(name, args);
  }

  private int cdn(String... args) throws Exception {
    CommandProcess p = start(args[0] + "-" + args[1], args);
    int code = p.waitFor(Duration.ofSeconds(60));
    if (code != 0) {
      System.err.println(p.output());
    }
    return code;
  }

  private static int port(CommandProcess p, String regex) throws InterruptedException {
    return ProcessCluster.port(p, regex, Duration.ofSeconds(90));
  }

  private static HttpResponse<String> get(int port, String host, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Host", host)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String body(int port, String host, String path) {
    try {
      HttpResponse<String> r = get(port, host, path);
      return r.statusCode() == 200 ? r.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static int requests(int originPort, String path) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + originPort + "/_origin/stats"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("paths").path(path).asInt(0);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(Check check, Duration timeout, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + timeout + ": " + what);
      }
      Thread.sleep(5);
    }
  }
}
