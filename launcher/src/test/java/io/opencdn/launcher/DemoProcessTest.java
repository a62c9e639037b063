package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.testing.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code cdn demo} as a user runs it: separate processes on the demo contract's loopback addresses,
 * probed like dig and curl would, one edge killed with SIGKILL, then Ctrl-C (SIGTERM) stops
 * everything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoProcessTest {

  static final String TOKEN = "demo-test-token-0123456789abcdef";
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  static final List<String> output = new CopyOnWriteArrayList<>();
  static Process demo;

  @BeforeAll
  static void startDemo() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(javaCommand("demo")).redirectErrorStream(true);
    pb.environment().put("CDN_ADMIN_TOKEN", TOKEN);
    demo = pb.start();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                }
              } catch (Exception ignored) {
                // process gone
              }
            });
    pump.setDaemon(true);
    pump.start();
    boolean ready =
        Await.poll(
            () ->
                output.stream().anyMatch(l -> l.contains("OpenCDN demo is running"))
                    || !demo.isAlive(),
            Duration.ofSeconds(240));
    assertThat(ready && demo.isAlive())
        .as("demo ready; output:\n" + String.join("\n", output))
        .isTrue();
  }

  @AfterAll
  static void stopDemo() throws Exception {
    if (demo != null && demo.isAlive()) {
      List<ProcessHandle> children = demo.descendants().toList();
      demo.destroy();
      assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("demo stops on SIGTERM").isTrue();
      assertThat(
              Await.poll(
                  () -> children.stream().noneMatch(ProcessHandle::isAlive),
                  Duration.ofSeconds(20)))
          .as("every component stopped with the demo")
          .isTrue();
    }
  }

  @Test
  @Order(1)
  void digAnswersAsTheReadmeSays() throws Exception {
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      String want = DemoTopology.edge(x.edgeId()).address();
      assertThat(Readiness.resolve("127.0.0.1", 8053, "www.cdn.test.", x.subnet(), false))
          .as(x.where())
          .containsExactly(want);
      assertThat(Readiness.resolve("127.0.0.1", 8053, "www.cdn.test.", x.subnet(), true))
          .as(x.where() + " tcp")
          .containsExactly(want);
    }
    for (boolean tcp : new boolean[] {false, true}) {
      Message soa = query("cdn.test.", Type.SOA, tcp);
      assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(soa.getSection(Section.ANSWER))
          .extracting(Record::getType)
          .containsExactly(Type.SOA);

      Message nx = query("nothere.cdn.test.", Type.A, tcp);
      assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
      assertThat(nx.getSection(Section.AUTHORITY))
          .extracting(Record::getType)
          .containsExactly(Type.SOA);

      assertThat(query("example.org.", Type.A, tcp).getRcode()).isEqualTo(Rcode.REFUSED);
    }
  }

  @Test
  @Order(2)
  void curlThroughAnEdgeIsAMissThenAHit() throws Exception {
    HttpResponse<String> first = get("http://127.0.0.12:8080/index.html");
    HttpResponse<String> second = get("http://127.0.0.12:8080/index.html");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).contains("OpenCDN demo origin");
    assertThat(first.headers().firstValue("X-Cache").orElse("")).startsWith("Miss");
    assertThat(second.headers().firstValue("X-Cache").orElse("")).startsWith("Hit");
    assertThat(second.body()).isEqualTo(first.body());
    HttpResponse<String> stats =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:9090/_origin/stats"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(stats.body().replace(" ", "")).contains("\"/index.html\":1");
  }

  @Test
  @Order(3)
  void theBannersHttpsCurlLinesWorkOnEveryEdge() throws Exception {
    List<String> lines =
        output.stream().map(String::trim).filter(l -> l.startsWith("curl -si --cacert ")).toList();
    assertThat(lines)
        .as("one https line per edge in the banner")
        .hasSize(DemoTopology.EDGES.size());
    for (String line : lines) {
      // run as printed (curl verifies the edge's certificate against the printed demo CA), HTTP/2
      // when curl has it
      Process curl =
          new ProcessBuilder(
                  "sh", "-c", line.replace("curl -si ", "curl -s --fail -w '\\n%{http_version}' "))
              .redirectErrorStream(true)
              .start();
      String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(curl.waitFor()).as(line + "\n" + out).isZero();
      assertThat(out).as(line).contains("OpenCDN demo origin");
    }
    assertThat(output).anyMatch(l -> l.contains("TLS engine openssl"));
  }

  @Test
  @Order(3)
  void theBannersStatusLinkOpensThePage() throws Exception {
    String link =
        output.stream()
            .map(String::trim)
            .filter(l -> l.startsWith("http://127.0.0.11:8080/_cdn/status/login?code="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no status page link in the banner:\n" + output));
    HttpClient http = HttpClient.newHttpClient(); // does not follow redirects
    HttpResponse<String> login =
        http.send(HttpRequest.newBuilder(URI.create(link)).build(), BodyHandlers.ofString());
    assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
    String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    URI page = URI.create("http://127.0.0.11:8080/_cdn/status");
    HttpResponse<String> html =
        http.send(
            HttpRequest.newBuilder(page).header("Cookie", cookie).build(), BodyHandlers.ofString());
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body()).contains("OpenCDN status");
    // the picture: three edges up and the DNS server (its admin listener found in the cluster)
    assertThat(
            Await.poll(
                () -> {
                  try {
                    String snap =
                        http.send(
                                HttpRequest.newBuilder(URI.create(page + "/snapshot"))
                                    .header("Cookie", cookie)
                                    .build(),
                                BodyHandlers.ofString())
                            .body();
                    return snap.split("\"health\":\"up\"", -1).length - 1 == 3
                        && snap.contains("\"admin\":\"http://127.0.0.1:8054\"");
                  } catch (Exception e) {
                    return false;
                  }
                },
                Duration.ofSeconds(30)))
        .as("three edges up and the DNS server on the status page")
        .isTrue();
    assertThat(
            http.send(HttpRequest.newBuilder(URI.create(link)).build(), BodyHandlers.ofString())
                .statusCode())
        .as("a login link works once")
        .isEqualTo(403);
  }

  @Test
  @Order(4)
  void killingTheEuropeanEdgeSendsLondonElsewhere() throws Exception {
    long pid = pidOf("eu-west");
    ProcessHandle edge = ProcessHandle.of(pid).orElseThrow();
    long start = System.nanoTime();
    assertThat(edge.destroyForcibly()).isTrue();
    boolean moved =
        Await.poll(
            () -> answers("81.2.69.0/24").equals(List.of("127.0.0.11")), Duration.ofSeconds(10));
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.println(
        "eu-west killed with SIGKILL; London answered with us-east after " + millis + " ms");
    assertThat(moved).as("London moved to the next-nearest edge within 10 s").isTrue();
    assertThat(get("http://127.0.0.11:8080/index.html").statusCode()).isEqualTo(200);
    assertThat(answers("1.0.16.0/24")).containsExactly("127.0.0.13");
  }

  static long pidOf(String edgeId) {
    Pattern p = Pattern.compile("edge " + edgeId + " .*pid (\\d+)");
    return output.stream()
        .map(p::matcher)
        .filter(Matcher::find)
        .mapToLong(m -> Long.parseLong(m.group(1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no pid for " + edgeId + " in the banner"));
  }

  static List<String> answers(String subnet) {
    try {
      return Readiness.resolve("127.0.0.1", 8053, "www.cdn.test.", subnet, false);
    } catch (Exception e) {
      return List.of();
    }
  }

  static Message query(String name, int type, boolean tcp) throws Exception {
    SimpleResolver r = new SimpleResolver(InetAddress.getByName("127.0.0.1"));
    r.setPort(8053);
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(2));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Host", "www.cdn.test")
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<String> javaCommand(String... args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), Cdn.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
