package io.opencdn.launcher;

import io.opencdn.testing.Await;
import io.opencdn.testing.ExternalTool;
import io.opencdn.testing.SelfSigned;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Pebble, Let's Encrypt's ACME test server (Debian package {@code pebble}), run for a test on
 * loopback: its HTTPS API on a certificate made in the test, its lookups sent to the DNS server
 * under test ({@code -dnsserver}), validation without its random sleeps ({@code
 * PEBBLE_VA_NOSLEEP=1}). Missing pebble skips the test, except under {@code CDN_REQUIRE_PEBBLE=1}
 * (CI sets it), which fails it.
 */
final class Pebble implements AutoCloseable {

  final int port;
  final int managementPort;
  final Path httpsCert;
  private final Process process;
  private final Path log;

  private Pebble(int port, int managementPort, Path httpsCert, Process process, Path log) {
    this.port = port;
    this.managementPort = managementPort;
    this.httpsCert = httpsCert;
    this.process = process;
    this.log = log;
  }

  /** Skips the calling test when pebble is missing, or fails it under CDN_REQUIRE_PEBBLE=1. */
  static void require() {
    ExternalTool.require("pebble", ExternalTool.onPath("pebble"), "the Debian package pebble");
  }

  /**
   * Starts pebble in {@code dir}.
   *
   * @param dnsPort where its lookups go (127.0.0.1)
   * @param validitySeconds lifetime of the certificates it issues
   * @param env more environment ({@code PEBBLE_WFE_NONCEREJECT})
   */
  static Pebble start(Path dir, int dnsPort, long validitySeconds, Map<String, String> env)
      throws Exception {
    return start(dir, dnsPort, validitySeconds, env, freePort());
  }

  /**
   * Starts pebble in {@code dir}, its HTTP-01 validation sent to {@code httpPort} (an edge's plain
   * HTTP listener) of the address the name resolves to.
   */
  static Pebble start(
      Path dir, int dnsPort, long validitySeconds, Map<String, String> env, int httpPort)
      throws Exception {
    SelfSigned.Pem https =
        TestCertificates.selfSigned(dir, "localhost", "dns:localhost,ip:127.0.0.1");
    int port = freePort();
    int mgmt = freePort();
    Path config = dir.resolve("pebble-config.json");
    Files.writeString(
        config,
        """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
          "ocspResponderURL": "", "externalAccountBindingRequired": false,
          "certificateValidityPeriod": %d}}
        """
            .formatted(
                port, mgmt, https.cert(), https.key(), httpPort, freePort(), validitySeconds));
    Path log = dir.resolve("pebble.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
    pb.environment().putAll(env);
    Pebble p = new Pebble(port, mgmt, https.cert(), pb.start(), log);
    try {
      Await.until(Duration.ofSeconds(30), () -> !p.process.isAlive() || p.answers());
    } catch (AssertionError e) {
      p.close();
      throw new IllegalStateException("pebble did not start: " + p.log(), e);
    }
    if (!p.process.isAlive()) {
      throw new IllegalStateException("pebble exited: " + p.log());
    }
    return p;
  }

  private boolean answers() {
    try {
      get(directory());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The directory URL. */
  String directory() {
    return "https://127.0.0.1:" + port + "/dir";
  }

  /** The root that signs the certificates it issues (management API {@code /roots/0}), PEM. */
  String root() throws Exception {
    return get("https://127.0.0.1:" + managementPort + "/roots/0");
  }

  /** Its output so far. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private String get(String url) throws IOException, InterruptedException {
    HttpClient c = HttpClient.newBuilder().sslContext(trusting(httpsCert)).build();
    HttpResponse<String> r =
        c.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + ": " + r.statusCode());
    }
    return r.body();
  }

  /** An SSL context trusting the certificates of a PEM file. */
  static SSLContext trusting(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return trusting(
          new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SSLContext trusting(List<? extends Certificate> roots) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < roots.size(); i++) {
      ks.setCertificateEntry("r" + i, roots.get(i));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
