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
 * {@code ./cdn demo}: origin, three edges and the DNS server as separate processes on the loopback
 * addresses of the demo contract ({@link DemoTopology}); Ctrl-C stops all of them.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole CDN on loopback; Ctrl-C stops all of it.",
      "Origin 127.0.0.1:9090, edges 127.0.0.11-13:8080 (RTMP :1935), DNS 127.0.0.1:8053 (UDP and TCP)."
    })
public final class DemoCommand implements Callable<Integer> {

  /** How often progress is printed while nothing changes. */
  static final int PROGRESS_SECONDS = 10;

  @Option(
      names = "--start-timeout",
      defaultValue = "300",
      description =
          "Seconds to wait for everything to be ready (default ${DEFAULT-VALUE}; a busy machine can take minutes).")
  int startTimeoutSeconds;

  @Option(
      names = "--acme-directory",
      paramLabel = "URL",
      description =
          "Have the edges' certificates issued by this ACME server (e.g. Pebble's https://127.0.0.1:14000/dir,"
              + " started with -dnsserver 127.0.0.1:8053) instead of the demo CA.")
  String acmeDirectory;

  @Option(
      names = "--acme-ca",
      paramLabel = "PEM",
      description =
          "CA certificate (PEM) to trust for the ACME server's own HTTPS when the JDK does not (Pebble's).")
  Path acmeCa;

  private final PrintStream out = System.out;
  private final List<ChildProcess> children = Collections.synchronizedList(new ArrayList<>());

  @Override
  public Integer call() throws Exception {
    String problem = preflight();
    if (problem != null) {
      System.err.println("demo: " + problem);
      return 2;
    }
    String acme;
    try {
      acme = acmeSection(acmeDirectory, acmeCa);
    } catch (IllegalArgumentException e) {
      System.err.println("demo: " + e.getMessage());
      return 2;
    }
    Map<String, String> env = new HashMap<>();
    if (acme != null) {
      env.put("CDN_ACME", acme);
    }
    env.put("CDN_CLUSTER_SECRET", envOr("CDN_CLUSTER_SECRET", "demo-" + AdminToken.random()));
    env.put("CDN_ADMIN_TOKEN", envOr("CDN_ADMIN_TOKEN", AdminToken.random()));
    Path site = extractSite();
    DemoCertificates tls =
        DemoCertificates.create(
            Files.createTempDirectory("opencdn-demo-tls"), java.time.Instant.now());
    for (Path f : List.of(tls.dir(), tls.ca(), tls.cert(), tls.key())) {
      f.toFile().deleteOnExit(); // the directory last
    }
    env.put("CDN_TLS_CERT", tls.cert().toString());
    env.put("CDN_TLS_KEY", tls.key().toString());

    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "demo-stop"));
    start(
        "origin",
        List.of(
            "origin",
            "--listen",
            DemoTopology.ORIGIN_HOST + ":" + DemoTopology.ORIGIN_PORT,
            "--root",
            site.toString()),
        env);
    start(
        "origin-standby",
        List.of(
            "origin",
            "--listen",
            DemoTopology.ORIGIN_HOST + ":" + DemoTopology.STANDBY_PORT,
            "--root",
            site.toString()),
        env);
    start(
        "dns",
        List.of(
            "dns",
            "--config",
            "classpath:demo/dns.yaml",
            "--admin",
            DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_ADMIN_PORT),
        env);
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      start("edge-" + e.id(), List.of("edge", "--config", e.config()), env);
    }

    if (!awaitReady(Duration.ofSeconds(startTimeoutSeconds))) {
      System.err.println("demo: stopping.");
      stopAll();
      return 1;
    }
    String version = publishDistributions(env, acme != null);
    if (version == null) {
      stopAll();
      return 1;
    }
    printBanner(env, version, tls);
    CountDownLatch forever = new CountDownLatch(1);
    forever.await();
    return 0;
  }

  /**
   * Publishes the demo's {@code distributions.yaml} ({@link DemoTopology#DISTRIBUTIONS}) through an
   * edge's admin API, as {@code ./cdn config apply} does, and waits until every member runs it;
   * yields its version, or null (with the reason printed).
   */
  private String publishDistributions(Map<String, String> env, boolean acme) {
    try (InputStream in =
        DemoCommand.class.getClassLoader().getResourceAsStream(DemoTopology.DISTRIBUTIONS)) {
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (acme) {
        text = withAcmeCertificates(text);
      }
      io.opencdn.launcher.control.AdminClient admin =
          io.opencdn.launcher.control.AdminClient.of(null, env.get("CDN_ADMIN_TOKEN"));
      io.opencdn.launcher.control.AdminClient.Answer a =
          admin.post(
              "/_cdn/config?source=classpath:" + DemoTopology.DISTRIBUTIONS + "&message=demo",
              text);
      if (a.status() != 200) {
        System.err.println(
            "demo: publishing "
                + DemoTopology.DISTRIBUTIONS
                + " failed: "
                + a.status()
                + " "
                + a.body());
        return null;
      }
      String version =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(a.body())
              .path("version")
              .asText();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      int members = DemoTopology.EDGES.size() + 1;
      while (System.nanoTime() < deadline) {
        com.fasterxml.jackson.databind.JsonNode s =
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(admin.get("/_cdn/config").body())
                .path("members");
        long on =
            java.util.stream.StreamSupport.stream(s.spliterator(), false)
                .filter(m -> version.equals(m.path("version").asText()))
                .count();
        if (on >= members) {
          out.println(
              "demo: distributions version " + version + " runs on every edge and the DNS server");
          return version;
        }
        Thread.sleep(50);
      }
      System.err.println(
          "demo: distributions version " + version + " not on every member after 20 s");
      return null;
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "demo: publishing " + DemoTopology.DISTRIBUTIONS + " failed: " + e.getMessage());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void start(String name, List<String> args, Map<String, String> env) throws IOException {
    children.add(ChildProcess.start(name, args, env, out));
  }

  /**
   * Polls {@link DemoStatus} until every component is ready, printing progress when it changes and
   * every {@value #PROGRESS_SECONDS} s. A component that exits, or is not ready by the deadline,
   * ends the wait: its last log lines are printed and the result is false.
   */
  private boolean awaitReady(Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    String printed = null;
    long printedAt = 0;
    while (true) {
      ChildProcess gone = firstExited();
      if (gone != null) {
        System.err.println(
            "demo: "
                + gone.name()
                + " exited with code "
                + gone.exitCode()
                + " after "
                + seconds(start)
                + " s, before the demo was ready; its last lines:");
        printLastLines(gone);
        return false;
      }
      List<DemoStatus.Component> status = DemoStatus.probe();
      if (DemoStatus.allReady(status)) {
        out.println("demo: every component is ready after " + seconds(start) + " s");
        return true;
      }
      String line = DemoStatus.summary(status);
      long now = System.nanoTime();
      if (now - deadline > 0) {
        System.err.println("demo: not ready after " + timeout.toSeconds() + " s (" + line + ")");
        for (DemoStatus.Component c : status) {
          if (!c.ready()) {
            System.err.println("demo: " + c.name() + " is " + c.state() + "; its last lines:");
            child(c.name()).ifPresent(this::printLastLines);
          }
        }
        return false;
      }
      if (!line.equals(printed)
          || now - printedAt >= Duration.ofSeconds(PROGRESS_SECONDS).toNanos()) {
        out.println("demo: waiting " + seconds(start) + " s: " + line);
        printed = line;
        printedAt = now;
      }
      Thread.sleep(500);
    }
  }

  private ChildProcess firstExited() {
    synchronized (children) {
      return children.stream().filter(c -> !c.isAlive()).findFirst().orElse(null);
    }
  }

  private java.util.Optional<ChildProcess> child(String name) {
    synchronized (children) {
      return children.stream().filter(c -> c.name().equals(name)).findFirst();
    }
  }

  private void printLastLines(ChildProcess c) {
    List<String> lines = c.lastLines();
    if (lines.isEmpty()) {
      System.err.println("  [" + c.name() + "] (no output)");
    }
    lines.forEach(l -> System.err.println("  [" + c.name() + "] " + l));
  }

  private static String seconds(long sinceNanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - sinceNanos) / 1e9);
  }

  private void stopAll() {
    List<ChildProcess> copy;
    synchronized (children) {
      copy = new ArrayList<>(children);
    }
    Collections.reverse(copy);
    copy.parallelStream().forEach(c -> c.stop(10_000));
  }

  /**
   * The {@code tls.acme} section of the demo edges ({@code CDN_ACME}, a YAML flow mapping) for
   * {@code --acme-directory} and {@code --acme-ca}, or null without a directory.
   *
   * @throws IllegalArgumentException naming the option that is wrong
   */
  static String acmeSection(String directory, Path ca) {
    if (directory == null) {
      if (ca != null) {
        throw new IllegalArgumentException("--acme-ca needs --acme-directory");
      }
      return null;
    }
    if (!directory.startsWith("https://") && !directory.startsWith("http://")) {
      throw new IllegalArgumentException(
          "--acme-directory: expected the ACME directory URL (https://...), got " + directory);
    }
    io.vertx.core.json.JsonObject acme =
        new io.vertx.core.json.JsonObject()
            .put("directory", directory)
            .put("contact", "mailto:ops@cdn.test")
            .put("retrySeconds", 2)
            .put("retryMaxSeconds", 30);
    if (ca != null) {
      if (!Files.isReadable(ca)) {
        throw new IllegalArgumentException("--acme-ca: not a readable file: " + ca);
      }
      acme.put("trustRoot", ca.toAbsolutePath().toString());
    }
    return acme.encode();
  }

  /** The demo's distributions, each with {@code certificate: acme} after its {@code hosts}. */
  static String withAcmeCertificates(String distributions) {
    String out = distributions.replaceAll("(?m)^(    hosts: .*)$", "$1\n    certificate: acme");
    if (out.equals(distributions)) {
      throw new IllegalStateException(DemoTopology.DISTRIBUTIONS + ": no hosts line found");
    }
    return out;
  }

  private void printBanner(Map<String, String> env, String version, DemoCertificates tls) {
    String dig = "dig @" + DemoTopology.DNS_HOST + " -p " + DemoTopology.DNS_PORT + " www.cdn.test";
    StringBuilder b = new StringBuilder("\n");
    b.append("OpenCDN demo is running. Ctrl-C stops all of it.\n\n");
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "origin", "http://127.0.0.1:" + DemoTopology.ORIGIN_PORT, pid("origin")));
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "origin (standby)",
            "http://127.0.0.1:" + DemoTopology.STANDBY_PORT,
            pid("origin-standby")));
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      b.append(
          String.format(
              "  %-19s %-26s pid %d%n",
              "edge " + e.id() + " (" + e.city() + ")", e.baseUrl(), pid("edge-" + e.id())));
    }
    b.append(
        String.format(
            "  %-19s %-26s pid %d%n",
            "dns", DemoTopology.DNS_HOST + ":" + DemoTopology.DNS_PORT + " udp+tcp", pid("dns")));
    b.append("\nResolve (the answer is the nearest healthy edge):\n");
    for (DemoTopology.Expectation x : DemoTopology.EXPECTED) {
      b.append(
          String.format(
              "  %s +subnet=%s +short   # %s -> %s%n",
              dig, x.subnet(), x.where(), DemoTopology.edge(x.edgeId()).address()));
    }
    b.append("  ").append(dig).append(" +tcp +subnet=81.2.69.0/24 +short\n");
    b.append("  dig @127.0.0.1 -p 8053 cdn.test SOA     dig @127.0.0.1 -p 8053 nothere.cdn.test\n");
    b.append("\nFetch through an edge (X-Cache: Miss, then Hit):\n");
    b.append("  curl -si -H 'Host: www.cdn.test' http://127.0.0.12:8080/index.html\n");
    b.append(
        "  curl -si -H 'Host: www.cdn.test' 'http://127.0.0.12:8080/gen/video.bin?size=1048576' -o /dev/null -D -\n");
    b.append("  curl -s -H 'Authorization: Bearer ")
        .append(env.get("CDN_ADMIN_TOKEN"))
        .append("' http://127.0.0.1:9090/_origin/stats\n");
    String cacert;
    if (acmeDirectory == null) {
      cacert = tls.ca().toString();
      b.append("\nHTTPS on every edge (HTTP/2; the demo CA made for this run: ")
          .append(cacert)
          .append("):\n");
    } else {
      cacert = "acme-root.pem";
      b.append("\nHTTPS on every edge (HTTP/2), certificates issued by ")
          .append(acmeDirectory)
          .append(" through DNS-01 (a few seconds; until then the demo CA's):\n")
          .append("  curl -s -H 'Authorization: Bearer ")
          .append(env.get("CDN_ADMIN_TOKEN"))
          .append("' http://127.0.0.12:8080/_cdn/acme\n")
          .append("  the ACME server's root, e.g. Pebble's: ")
          .append("curl -sk https://127.0.0.1:15000/roots/0 > acme-root.pem\n");
    }
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      b.append("  curl -si --cacert ")
          .append(cacert)
          .append(" --resolve www.cdn.test:")
          .append(e.httpsPort())
          .append(':')
          .append(e.address())
          .append(" https://www.cdn.test:")
          .append(e.httpsPort())
          .append("/index.html\n");
    }
    b.append("\nDistributions (version ")
        .append(version)
        .append(" of ")
        .append(DemoTopology.DISTRIBUTIONS)
        .append(" is live; change a rule and apply it):\n");
    b.append("  export CDN_ADMIN_TOKEN=").append(env.get("CDN_ADMIN_TOKEN")).append("\n");
    b.append(
        "  ./cdn config status      ./cdn config show > distributions.yaml      ./cdn config apply distributions.yaml\n");
    b.append(
        "  ./cdn explain-request 'http://www.cdn.test/gen/a.bin?size=10&utm_source=x'      ./cdn config rollback\n");
    b.append("\nFail over: kill -9 ")
        .append(pid("edge-eu-west"))
        .append("   (eu-west) and London is answered with the next-nearest edge within seconds.\n");
    b.append("Bring it back: CDN_CLUSTER_SECRET=")
        .append(env.get("CDN_CLUSTER_SECRET"))
        .append(" CDN_TLS_CERT=")
        .append(env.get("CDN_TLS_CERT"))
        .append(" CDN_TLS_KEY=")
        .append(env.get("CDN_TLS_KEY"));
    if (env.containsKey("CDN_ACME")) {
      b.append(" CDN_ACME='").append(env.get("CDN_ACME")).append('\'');
    }
    b.append(" ./cdn edge --config classpath:demo/edge-eu-west.yaml\n");
    live(b, env);
    b.append(
            "\nStatus page (world map, failovers, explain; open in a browser, a one-time login link):\n  ")
        .append(statusLink(env))
        .append('\n');
    out.println(b);
  }

  /**
   * The live streaming lines: an RTMP publish URL with the demo stream's key (derived from the
   * cluster secret, as every edge checks it), ffmpeg publishing a test pattern there, and the RTMP
   * and HLS play URLs on the other edges.
   */
  private static void live(StringBuilder b, Map<String, String> env) {
    DemoTopology.DemoEdge ingest = DemoTopology.edge(DemoTopology.LIVE_INGEST);
    String stream = DemoTopology.LIVE_STREAM;
    String key =
        io.opencdn.live.cluster.StreamKeys.hmac(env.get("CDN_CLUSTER_SECRET")).keyFor(stream);
    String publish = ingest.rtmpUrl(stream) + "?key=" + key;
    b.append("\nLive: publish to ")
        .append(ingest.id())
        .append(" (OBS: server rtmp://")
        .append(ingest.address())
        .append(':')
        .append(DemoTopology.RTMP_PORT)
        .append("/live, stream key ")
        .append(stream)
        .append("?key=")
        .append(key)
        .append("), play on the other edges:\n");
    b.append("  ").append(publish).append('\n');
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      if (e != ingest) {
        b.append("  ").append(e.rtmpUrl(stream)).append('\n');
      }
    }
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      if (e != ingest) {
        b.append("  ").append(e.hlsUrl(stream)).append('\n');
      }
    }
    b.append(
            "  ffmpeg -re -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=frequency=440 -c:v libx264"
                + " -preset veryfast -tune zerolatency -g 25 -c:a aac -f flv '")
        .append(publish)
        .append("'\n");
    b.append("  ffplay ")
        .append(DemoTopology.EDGES.get(0).rtmpUrl(stream))
        .append("     ffplay ")
        .append(DemoTopology.EDGES.get(2).hlsUrl(stream))
        .append('\n');
    b.append("  curl -s -H 'Authorization: Bearer ")
        .append(env.get("CDN_ADMIN_TOKEN"))
        .append("' ")
        .append(DemoTopology.EDGES.get(0).baseUrl())
        .append("/_cdn/live   # one upstream per stream per edge\n");
  }

  /** A one-time login link to us-east's status page, or why there is none. */
  private static String statusLink(Map<String, String> env) {
    try {
      return io.opencdn.launcher.control.StatusLinkCommand.link(
          io.opencdn.launcher.control.StatusLinkCommand.DEMO_EDGE, env.get("CDN_ADMIN_TOKEN"));
    } catch (IOException | RuntimeException e) {
      return "(none: " + e.getMessage() + "; ./cdn status-link asks again)";
    }
  }

  private long pid(String name) {
    synchronized (children) {
      return children.stream()
          .filter(c -> c.name().equals(name))
          .mapToLong(ChildProcess::pid)
          .findFirst()
          .orElse(-1);
    }
  }

  /** Null when the demo can start; else what is in the way and how to fix it. */
  static String preflight() {
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      String p = tcpFree(e.address(), e.httpPort());
      p = p != null ? p : tcpFree(e.address(), DemoTopology.RTMP_PORT);
      p = p != null ? p : tcpFree(e.address(), e.httpsPort());
      if (p != null) {
        return p;
      }
    }
    String p = tcpFree(DemoTopology.ORIGIN_HOST, DemoTopology.ORIGIN_PORT);
    p = p != null ? p : tcpFree(DemoTopology.ORIGIN_HOST, DemoTopology.STANDBY_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.DNS_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.DNS_ADMIN_PORT);
    p = p != null ? p : tcpFree(DemoTopology.DNS_HOST, DemoTopology.CLUSTER_PORT);
    if (p != null) {
      return p;
    }
    try (DatagramSocket s =
        new DatagramSocket(
            new InetSocketAddress(
                InetAddress.getByName(DemoTopology.DNS_HOST), DemoTopology.DNS_PORT))) {
      return null;
    } catch (IOException e) {
      return "UDP "
          + DemoTopology.DNS_HOST
          + ":"
          + DemoTopology.DNS_PORT
          + " is in use (is another demo running?)";
    }
  }

  private static String tcpFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (java.net.BindException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage();
      if (msg.contains("assign")) {
        return "cannot bind "
            + host
            + ": this system does not route all of 127.0.0.0/8 to loopback"
            + " (on macOS: sudo ifconfig lo0 alias "
            + host
            + ")";
      }
      return host + ":" + port + " is in use (is another demo running?)";
    } catch (IOException e) {
      return "cannot bind " + host + ":" + port + ": " + e.getMessage();
    }
  }

  private static Path extractSite() throws IOException {
    Path dir = Files.createTempDirectory("opencdn-demo-site");
    dir.toFile().deleteOnExit();
    try (InputStream in =
        DemoCommand.class.getClassLoader().getResourceAsStream("demo/site/index.html")) {
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
