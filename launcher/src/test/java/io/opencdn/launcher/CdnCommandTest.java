package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures a new user would meet: one clear line on stderr and exit code 2. */
class CdnCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(DemoProcessTest.javaCommand(args));
    pb.environment().put("CDN_CLUSTER_SECRET", "command-test-secret-0123456789");
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
    return new Run(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  static List<String> lines(String s) {
    return s.lines().filter(l -> !l.isBlank() && !l.startsWith("Picked up")).toList();
  }

  @Test
  void malformedConfigStopsStartUpWithOneLineNamingTheFile(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("dns.yaml");
    Files.writeString(
        bad,
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: cdn.test.zone}]\nrouting: [{name: www.cdn.test., ttl: 0}]\n");
    Run r = run("dns", "--config", bad.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(lines(r.err())).hasSize(1);
    assertThat(r.err()).startsWith("dns: " + bad).contains("ttl");

    Files.writeString(bad, "listen: [oops\n");
    Run yaml = run("edge", "--config", bad.toString());
    assertThat(yaml.code()).isEqualTo(2);
    assertThat(lines(yaml.err())).hasSize(1);
    assertThat(yaml.err()).startsWith("edge: " + bad);
  }

  @Test
  void unreadableGeoIpFileStopsStartUpWithOneLine(@TempDir Path dir) throws Exception {
    Path junk = dir.resolve("City.mmdb");
    Files.writeString(junk, "this is not a MaxMind database");
    Path cfg = dir.resolve("dns.yaml");
    Files.writeString(
        cfg,
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n");
    for (String file : List.of(junk.toString(), dir.resolve("missing.mmdb").toString())) {
      Run r = run("dns", "--config", cfg.toString(), "--geoip", file);
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(lines(r.err())).hasSize(1);
      assertThat(r.err()).startsWith("dns: ").contains(file);
    }
  }

  /**
   * The files a config names are read, not ignored: one missing stops start-up naming it (issue
   * 24).
   */
  @Test
  void aMissingFileNamedInAConfigStopsStartUp(@TempDir Path dir) throws Exception {
    Path dns = dir.resolve("dns.yaml");
    Files.writeString(
        dns,
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n"
            + "geo: {cityDatabase: City.mmdb}\n");
    Run r = run("dns", "--config", dns.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(lines(r.err())).hasSize(1);
    assertThat(r.err())
        .startsWith("dns: ")
        .contains(dir.resolve("City.mmdb").toString()); // relative to the config file

    Path edge = dir.resolve("edge.yaml");
    Files.writeString(
        edge,
        """
        id: e
        latitude: 1
        longitude: 2
        listen: 127.0.0.1:0
        distributions: [{host: "*", origin: "http://127.0.0.1:9"}]
        tls: {listen: "127.0.0.1:0", certificates: [{cert: "%s", key: "%s"}]}
        """
            .formatted(dir.resolve("missing.pem"), dir.resolve("missing.key")));
    Run e =
        run("edge", "--config", edge.toString(), "--admin-token", "command-test-token-0123456789");
    assertThat(e.code()).as(e.err()).isEqualTo(2);
    assertThat(e.err())
        .startsWith("edge: ")
        .containsAnyOf(
            dir.resolve("missing.pem").toString(), dir.resolve("missing.key").toString());
  }

  @Test
  void routeExplainsTheDemoDecision() throws Exception {
    Run london = run("route", "--client", "81.2.69.1");
    assertThat(london.code()).as(london.err()).isZero();
    assertThat(london.out())
        .contains("GeoLite2-City", "eu-west", "726 km")
        .containsPattern("answer +A \\[127\\.0\\.0\\.12 \\(eu-west\\)\\]");
    Run japan = run("route", "--client", "1.0.16.1");
    assertThat(japan.out()).containsPattern("answer +A \\[127\\.0\\.0\\.13 \\(ap-northeast\\)\\]");
  }

  @Test
  void explainRequestShowsHeadersPolicyErrorsAndTheGeoDecision(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("distributions.yaml");
    Files.writeString(
        doc,
        """
        distributions:
          - id: www
            hosts: [www.cdn.test]
            origins: [{id: site, url: "http://127.0.0.1:9090"}]
            behaviors:
              - {path: "*", target: site, responseHeadersPolicy: SecurityHeadersPolicy}
            customErrors:
              - {status: 403, page: /errors/403.html}
            geoRestriction: {type: block, countries: [GB], trustForwardedFrom: [127.0.0.0/8]}
        """);
    Run r =
        run(
            "explain-request",
            "http://www.cdn.test/a",
            "--file",
            doc.toString(),
            "--client",
            "127.0.0.1",
            "-H",
            "X-Forwarded-For: 81.2.69.142");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("headers:      response headers policy SecurityHeadersPolicy; Referrer-Policy")
        .contains("errors:       403: cached 10 s at least, page /errors/403.html served as 403")
        .contains(
            "client 81.2.69.142 (X-Forwarded-For from trusted 127.0.0.1) in GB: refused, 403"
                + " with page /errors/403.html as 403");
  }

  @Test
  void streamKeyPrintsTheKeyEveryEdgeChecks() throws Exception {
    Run r = run("stream-key", "demo", "cam-2");
    assertThat(r.code()).as(r.err()).isZero();
    var keys = io.opencdn.live.cluster.StreamKeys.hmac("command-test-secret-0123456789");
    assertThat(lines(r.out()))
        .containsExactly("demo " + keys.keyFor("demo"), "cam-2 " + keys.keyFor("cam-2"));
    Run bad = run("stream-key", "../x");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("not a stream name");
  }

  @Test
  void helpListsTheCommands() throws Exception {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("demo", "dns", "edge", "origin", "route", "stream-key");
    for (String sub : List.of("demo", "dns", "edge", "origin", "route", "stream-key")) {
      Run h = run(sub, "--help");
      assertThat(h.code()).as(sub).isZero();
      assertThat(h.out()).as(sub).contains("Usage: cdn " + sub);
    }
  }
}
