package io.opencdn.dns.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class RouteCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new RouteCommand());
    cl.setOut(new PrintWriter(out));
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err));
    try {
      int code = cl.execute(args);
      return new Run(code, out.toString(), err.toString());
    } finally {
      System.setErr(oldErr);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "81.2.69.1,  eu-west,      127.0.0.12, GB",
    "1.0.16.1,   ap-northeast, 127.0.0.13, JP",
    "8.8.8.8,    us-east,      127.0.0.11, US"
  })
  void explainsTheDemo(String client, String edge, String address, String country) {
    Run r = run("--client", client);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("client   " + client + " (as ECS /24)")
        .contains("located  by GeoLite2-City network ")
        .contains("country " + country)
        .contains("name     www.cdn.test.  policies [health, distance, latency, spill]")
        .contains("answer   A [" + address + " (" + edge + ")]")
        .containsPattern("ECS scope /\\d+, TTL 20 s")
        .contains("us-east", "eu-west", "ap-northeast", "unchecked", " km ");
    assertThat(r.out().lines().filter(l -> l.contains(edge) && l.endsWith("#1"))).hasSize(1);
  }

  @Test
  void bulkModePrintsSharesPerEdge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("clients.txt");
    Files.writeString(file, "# London, Tokyo twice, New York\n81.2.69.1\n1.0.16.1 2\n8.8.8.8\n");
    Run r = run("--clients", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("share of clients by first answer (3 clients)");
    assertThat(r.out())
        .containsPattern("ap-northeast\\s+50\\.0%")
        .containsPattern("eu-west\\s+25\\.0%")
        .containsPattern("us-east\\s+25\\.0%");
  }

  @Test
  void staticEdgesWithHealthChecksAreCheckedOnce(@TempDir Path dir) throws Exception {
    Path cfg = dir.resolve("dns.yaml");
    Files.writeString(
        cfg,
        """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 15, answers: 2}]
        edges:
          - {id: dead, latitude: 51.5, longitude: 0, ipv4: 192.0.2.1, healthUrl: "http://127.0.0.1:9/_cdn/health"}
          - {id: a, latitude: 50, longitude: 8, ipv4: 192.0.2.2}
          - {id: b, latitude: 40, longitude: -77, ipv4: 192.0.2.3}
        """);
    Run r = run("--client", "81.2.69.1", "--config", cfg.toString(), "--name", "www.cdn.test");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("dead .* down .* filtered");
    assertThat(r.out()).contains("answer   A [192.0.2.2 (a), 192.0.2.3 (b)]", "TTL 15 s");
  }

  @Test
  void withClusterItShowsTheRegisteredEdgesTheirLoadAndLatency(@TempDir Path dir) throws Exception {
    var cluster =
        io.opencdn.common.cluster.TestCluster.builder("route-test")
            .timing(1000, 5000)
            .spare(1)
            .start();
    String secret = cluster.secret();
    int port = cluster.config(0).bind().port();
    var member = cluster.member(0);
    try {
      String uuid = member.getCluster().getLocalMember().getUuid().toString();
      long now = System.currentTimeMillis();
      var mac = io.opencdn.common.cluster.RecordMac.fromSecret(secret);
      member
          .getMap(io.opencdn.common.cluster.ClusterMaps.EDGES)
          .put(
              "tokyo",
              new io.opencdn.common.cluster.EdgeRecord(
                      "tokyo",
                      "ap",
                      35.68,
                      139.69,
                      "192.0.2.13",
                      null,
                      9,
                      1000,
                      250,
                      io.opencdn.common.cluster.EdgeState.ACTIVE,
                      uuid,
                      now)
                  .signed(mac));
      member
          .getMap(io.opencdn.common.cluster.ClusterMaps.EDGES)
          .put(
              "stale",
              new io.opencdn.common.cluster.EdgeRecord(
                      "stale",
                      "ap",
                      35.68,
                      139.69,
                      "192.0.2.14",
                      null,
                      9,
                      1000,
                      0,
                      io.opencdn.common.cluster.EdgeState.ACTIVE,
                      uuid,
                      now - 60_000)
                  .signed(mac));
      // not signed with the cluster secret: not shown
      member
          .getMap(io.opencdn.common.cluster.ClusterMaps.EDGES)
          .put(
              "forged",
              new io.opencdn.common.cluster.EdgeRecord(
                  "forged",
                  "eu",
                  51.5,
                  -0.12,
                  "192.0.2.66",
                  null,
                  9,
                  1000,
                  0,
                  io.opencdn.common.cluster.EdgeState.ACTIVE,
                  uuid,
                  now));
      var tokyo = new io.opencdn.common.cluster.LatencyKey("81.2.69.0/24", "tokyo");
      member
          .getMap(io.opencdn.common.cluster.ClusterMaps.LATENCY)
          .put(tokyo, new io.opencdn.common.cluster.LatencySample(8.5, now).signed(mac, tokyo));
      Path cfg = dir.resolve("dns.yaml");
      Files.writeString(
          cfg,
          """
          listen: 127.0.0.1:0
          zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
          routing: [{name: www.cdn.test., ttl: 20}]
          edges: [{id: frankfurt, latitude: 50.11, longitude: 8.68, ipv4: 192.0.2.12}]
          cluster: {name: route-test, secret: %s, bind: "127.0.0.1:%d", members: ["127.0.0.1:%d"]}
          """
              .formatted(secret, port, port));
      Run r =
          run(
              "--client",
              "81.2.69.1",
              "--config",
              cfg.toString(),
              "--cluster",
              "127.0.0.1:" + cluster.config(1).bind().port(),
              "--no-check");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).containsPattern("tokyo .* 8\\.5 ms/\\d+s .* 250/1000 .*#1");
      assertThat(r.out())
          .contains(
              "latency: 1 edges measured from 81.2.69.0/24", "answer   A [192.0.2.13 (tokyo)]")
          .doesNotContain("stale")
          .doesNotContain("forged");
    } finally {
      cluster.close();
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--client,example.com                 | route: not an IP address: 'example.com'",
        "--client,81.2.69.1,--name,other.test | route: other.test is not a geo-routed name; routed: [www.cdn.test.]",
        "--client,81.2.69.1,--prefix,33       | route: --prefix 33: expected 1..32 for 81.2.69.1",
        "--name,www.cdn.test                  | route: give exactly one of --client IP or --clients FILE",
        "--client,1.2.3.4,--config,/nope.yaml | route: /nope.yaml: file not found"
      })
  void errorsAreOneLineAndExitCode2(String args, String message) {
    Run r = run(args.split(","));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).isEqualTo(message);
  }
}
