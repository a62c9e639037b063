package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.launcher.control.StatusLinkCommand;
import io.opencdn.testing.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in a real browser (headless Chromium, {@link Chromium}), on real processes: an
 * origin, a DNS server with its admin listener and three edges at the demo's coordinates, all on
 * loopback with free ports. Opened with the one-time link {@code ./cdn status-link} prints, the
 * page shows the three edges healthy on the map; after {@code kill -9} of eu-west the map shows it
 * red within 2 s, without a reload (server-sent events); the explain panel shows the answer the DNS
 * server gives for London. Screenshots go to {@code target/status-page*.png}.
 */
class StatusPageBrowserTest {

  static final String TOKEN = "status-page-test-token-0123456789";
  static final String SECRET = "status-page-test-secret-0123456789";
  static final Map<String, double[]> EDGES = new LinkedHashMap<>();

  static {
    EDGES.put("us-east", new double[] {39.04, -77.49});
    EDGES.put("eu-west", new double[] {50.11, 8.68});
    EDGES.put("ap-northeast", new double[] {35.68, 139.69});
  }

  @TempDir Path dir;
  ProcessCluster cluster;
  final Map<String, CommandProcess> edges = new LinkedHashMap<>();
  final Map<String, Integer> ports = new LinkedHashMap<>();

  @Test
  void mapShowsTheEdgesLiveAndExplainsLikeTheDnsServer() throws Exception {
    Chromium.require();
    cluster = new ProcessCluster(dir, "status-test", SECRET, 1000, 5000);
    ChromeDriver browser = null;
    try {
      Path site = Files.createDirectories(dir.resolve("site"));
      Files.writeString(site.resolve("index.html"), "hello\n");
      CommandProcess origin =
          start("origin", "origin", "--listen", "127.0.0.1:0", "--root", site.toString());
      int originPort = port(origin, "origin listening on http://127\\.0\\.0\\.1:(\\d+)");
      CommandProcess dns = start("dns", "dns", "--config", dnsConfig().toString());
      int dnsAdmin = port(dns, "dns admin on http://127\\.0\\.0\\.1:(\\d+)");
      for (String id : EDGES.keySet()) {
        CommandProcess e = start(id, "edge", "--config", edgeConfig(id, originPort).toString());
        ports.put(id, port(e, "edge " + id + " listening on http://127\\.0\\.0\\.1:(\\d+)"));
        edges.put(id, e);
      }

      String link = StatusLinkCommand.link(dir.resolve("us-east.yaml").toString(), TOKEN);
      assertThat(link).contains("/_cdn/status/login?code=").doesNotContain(TOKEN);
      browser = Chromium.start();
      browser.get(link);
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(90));
      wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
      ChromeDriver b = browser;
      wait.until(d -> edgesWith(b, "up").size() == 3);
      assertThat(edgesWith(browser, "up"))
          .containsExactlyInAnyOrder("us-east", "eu-west", "ap-northeast");
      // the routing panel: London is sent to eu-west by the DNS server
      wait.until(
          d ->
              !d.findElements(
                      By.cssSelector("g.sample[data-client='81.2.69.1'][data-edge='eu-west']"))
                  .isEmpty());
      screenshot(browser, "status-page.png");

      // the explain panel shows what the DNS server answers
      WebElement client = browser.findElement(By.id("client"));
      client.clear();
      client.sendKeys("81.2.69.1");
      browser.findElement(By.id("host")).sendKeys("www.st.test");
      browser.findElement(By.id("explain")).click();
      wait.until(
          d -> "200".equals(d.findElement(By.id("explanation")).getAttribute("data-status")));
      String shown = browser.findElement(By.id("explanation")).getText();
      String direct = route(dnsAdmin, "81.2.69.1", "www.st.test");
      assertThat(answer(shown)).isEqualTo(answer(direct)).contains("(eu-west)");
      assertThat(shown).contains("located", "candidates", "decision");
      assertThat(browser.getPageSource()).doesNotContain(TOKEN);

      // drain ap-northeast: amber within 2 s; a purge shows Completed within 2 s of its request
      long drained = System.nanoTime();
      assertThat(post(ports.get("ap-northeast"), "/_cdn/drain", "").statusCode()).isEqualTo(200);
      fast(
          b,
          d ->
              !d.findElements(
                      By.cssSelector("g.edge[data-edge='ap-northeast'][data-state='DRAINING']"))
                  .isEmpty());
      System.out.println(
          "status page: ap-northeast draining " + since(drained) + " ms after the drain");
      assertThat(since(drained)).as("ms from drain to amber").isLessThanOrEqualTo(2000);
      long purged = System.nanoTime();
      HttpResponse<String> purge =
          post(ports.get("eu-west"), "/_cdn/invalidations", "{\"paths\": [\"/index.html\"]}");
      assertThat(purge.statusCode()).as(purge.body()).isEqualTo(202);
      String id =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(purge.body())
              .path("id")
              .asText();
      fast(
          b,
          d ->
              java.util.Arrays.stream(text(b, "#invalidations tbody").split("\n"))
                  .anyMatch(
                      row -> row.startsWith(id.substring(0, 8)) && row.contains("Completed")));
      System.out.println(
          "status page: invalidation Completed " + since(purged) + " ms after the request");
      assertThat(since(purged)).as("ms from purge request to Completed").isLessThanOrEqualTo(2000);
      assertThat(post(ports.get("ap-northeast"), "/_cdn/undrain", "").statusCode()).isEqualTo(200);
      fast(
          b,
          d ->
              !d.findElements(
                      By.cssSelector("g.edge[data-edge='ap-northeast'][data-state='ACTIVE']"))
                  .isEmpty());

      // kill -9 eu-west: red on the map within 2 s, no reload
      edges.get("eu-west").kill();
      long killed = System.nanoTime();
      fast(b, d -> edgesWith(b, "down").contains("eu-west"));
      long millis = (System.nanoTime() - killed) / 1_000_000;
      System.out.println("status page: eu-west red " + millis + " ms after kill -9");
      screenshot(browser, "status-page-failover.png");
      assertThat(millis).as("ms from kill -9 to red on the map").isLessThanOrEqualTo(2000);
      assertThat(edgesWith(browser, "up")).containsExactlyInAnyOrder("us-east", "ap-northeast");
    } finally {
      if (browser != null) {
        browser.quit();
      }
      cluster.close();
    }
  }

  /** Waits (10 s at most, polling every 20 ms) for {@code condition}. */
  private static void fast(
      ChromeDriver browser,
      java.util.function.Function<org.openqa.selenium.WebDriver, Boolean> condition) {
    new WebDriverWait(browser, Duration.ofSeconds(10))
        .pollingEvery(Duration.ofMillis(20))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  /** The text of the element {@code selector} (read in one script: the page redraws tables). */
  private static String text(ChromeDriver browser, String selector) {
    Object t =
        browser.executeScript(
            "var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", selector);
    return String.valueOf(t);
  }

  private static long since(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** {@code POST} to an edge's admin API with the token. */
  private static HttpResponse<String> post(int port, String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Ids of the edges drawn on the map with {@code health}. */
  private static List<String> edgesWith(ChromeDriver browser, String health) {
    return browser
        .findElements(By.cssSelector("#map g.edge[data-health='" + health + "']"))
        .stream()
        .map(e -> e.getAttribute("data-edge"))
        .toList();
  }

  private static void screenshot(ChromeDriver browser, String name) throws Exception {
    Path target = Files.createDirectories(Path.of("target"));
    Files.write(target.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  /** The {@code answer} line of an explanation. */
  private static String answer(String text) {
    Matcher m = Pattern.compile("(?m)^answer\\s+.*$").matcher(text);
    assertThat(m.find()).as("an answer line in:\n" + text).isTrue();
    return m.group().trim();
  }

  /** The DNS server's own explanation ({@code GET /route} on its admin listener). */
  private static String route(int adminPort, String client, String name) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + adminPort
                                + "/route?client="
                                + client
                                + "&name="
                                + name))
                    .header("Authorization", "Bearer " + TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private Path dnsConfig() throws Exception {
    return cluster.dnsConfig(
        "st.test",
        "{intervalMillis: 250, timeoutMillis: 200, fall: 2, rise: 1}",
        "admin: {listen: \"127.0.0.1:0\", token: %s}\n".formatted(TOKEN));
  }

  private Path edgeConfig(String id, int originPort) throws Exception {
    double[] at = EDGES.get(id);
    return write(
        id + ".yaml",
        """
        id: %s
        latitude: %s
        longitude: %s
        listen: 127.0.0.1:%d
        advertise: {ipv4: 127.0.0.1}
        adminToken: %s
        distributions: [{host: www.st.test, origin: "http://127.0.0.1:%d"}]
        cluster: %s
        """
            .formatted(id, at[0], at[1], Ports.free(), TOKEN, originPort, cluster.cluster()));
  }

  private Path write(String name, String text) throws Exception {
    return cluster.write(name, text);
  }

  private CommandProcess start(String name, String... args) throws Exception {
    return cluster.start(name, args);
  }

  private static int port(CommandProcess p, String regex) throws InterruptedException {
    return ProcessCluster.port(p, regex, Duration.ofSeconds(120));
  }
}
