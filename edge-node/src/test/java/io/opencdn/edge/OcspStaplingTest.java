package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.tls.TestCa;
import io.opencdn.edge.tls.TestOcspResponder;
import io.opencdn.testing.Await;
import io.opencdn.testing.TlsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSP stapling end to end: a test CA issues the edge's certificate with an AIA OCSP URL pointing
 * at a responder the test runs; the edge (configured as an operator would, through {@code tls:})
 * fetches the answer and staples it, as {@code openssl s_client -status} shows. A revoked answer is
 * stapled as revoked; a responder that is down, a certificate without a responder URL and the JDK
 * engine leave the handshake working with nothing stapled.
 */
class OcspStaplingTest extends EdgeHarness {

  @TempDir Path dir;
  TestCa ca;
  TestOcspResponder responder;

  @AfterEach
  void closeResponder() {
    if (responder != null) {
      responder.close();
    }
  }

  private TestCa.Leaf leafWithResponder(TestOcspResponder.Status status) throws Exception {
    ca = new TestCa();
    responder = new TestOcspResponder(ca, clock);
    responder.status(status);
    return ca.issue(dir, "leaf", HOST, responder.url());
  }

  private void startEdge(TestCa.Leaf leaf, String engine) {
    TlsConfig tls =
        new TlsConfig(
            Endpoint.parse("127.0.0.1:0"),
            List.of(new TlsConfig.Certificate(leaf.cert().toString(), leaf.key().toString())),
            true,
            engine,
            0,
            null);
    origin.content("/o", "stapled", "Cache-Control", "max-age=60");
    start(testEdge().tls(tls).build());
  }

  @Test
  void goodAnswerIsStapledWithTls12And13() throws Exception {
    startEdge(leafWithResponder(TestOcspResponder.Status.GOOD), "openssl");
    JsonObject ocsp = awaitOcsp(o -> "good".equals(o.getString("status")));
    assertThat(ocsp.getString("url")).isEqualTo(responder.url());
    assertThat(ocsp.getBoolean("stapled")).isTrue();
    assertThat(ocsp.getString("nextUpdate")).isEqualTo(responder.nextUpdate().toString());
    for (String version : List.of("-tls1_2", "-tls1_3")) {
      assertThat(sClient(version))
          .contains("OCSP Response Status: successful")
          .contains("Cert Status: good");
    }
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      assertThat(probe.get(HOST, "/o")).isEqualTo("200 stapled");
    }
    // fetched once for the certificate, not per handshake
    assertThat(responder.requests()).isEqualTo(1);
    assertThat(get("/_cdn/metrics", "Authorization", "Bearer " + TOKEN).body())
        .containsPattern("cdn_tls_ocsp_staples_total [1-9]");
  }

  @Test
  void aReloadedCertificateGetsItsOwnAnswerStapled() throws Exception {
    TestCa.Leaf first = leafWithResponder(TestOcspResponder.Status.GOOD);
    startEdge(first, "openssl");
    awaitOcsp(o -> "good".equals(o.getString("status")));
    assertThat(sClient("-tls1_3")).contains(serialLine(first));
    TestCa.Leaf second = ca.issue(dir, "leaf", HOST, responder.url());
    Resp reload =
        await(
            send(
                HttpMethod.POST,
                "/_cdn/tls/reload",
                HOST,
                Buffer.buffer(),
                "Authorization",
                "Bearer " + TOKEN));
    assertThat(reload.status()).isEqualTo(200);
    awaitOcsp(o -> "good".equals(o.getString("status")));
    assertThat(responder.requests()).isEqualTo(2);
    assertThat(sClient("-tls1_2"))
        .contains("Cert Status: good")
        .contains(serialLine(second))
        .doesNotContain(serialLine(first));
  }

  /** How openssl prints the serial number of {@code leaf} in an OCSP response's CertID. */
  private static String serialLine(TestCa.Leaf leaf) {
    String hex =
        leaf.certificate().getSerialNumber().toString(16).toUpperCase(java.util.Locale.ROOT);
    return "Serial Number: " + (hex.length() % 2 == 1 ? "0" + hex : hex);
  }

  @Test
  void revokedAnswerIsStapledAsRevoked() throws Exception {
    startEdge(leafWithResponder(TestOcspResponder.Status.REVOKED), "openssl");
    JsonObject ocsp = awaitOcsp(o -> "revoked".equals(o.getString("status")));
    assertThat(ocsp.getBoolean("stapled")).isTrue();
    assertThat(sClient("-tls1_3"))
        .contains("OCSP Response Status: successful")
        .contains("Cert Status: revoked");
  }

  @Test
  void unknownAnswerIsNotStapled() throws Exception {
    startEdge(leafWithResponder(TestOcspResponder.Status.UNKNOWN), "openssl");
    JsonObject ocsp = awaitOcsp(o -> "unknown".equals(o.getString("status")));
    assertThat(ocsp.getBoolean("stapled")).isFalse();
    assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent");
  }

  @Test
  void responderDownLeavesTheHandshakeWorkingWithNothingStapled() throws Exception {
    ca = new TestCa();
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    TestCa.Leaf leaf = ca.issue(dir, "leaf", HOST, "http://127.0.0.1:" + closed + "/ocsp");
    startEdge(leaf, "openssl");
    JsonObject ocsp = awaitOcsp(o -> o.getInteger("failures", 0) >= 1);
    assertThat(ocsp.getString("status")).isEqualTo("failed");
    assertThat(ocsp.getBoolean("stapled")).isFalse();
    assertThat(ocsp.getString("lastError")).isNotBlank();
    assertThat(ocsp.getString("nextFetch")).isNotNull();
    assertThat(sClient("-tls1_2")).contains("OCSP response: no response sent");
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      assertThat(probe.get(HOST, "/o")).isEqualTo("200 stapled");
    }
  }

  @Test
  void certificateWithoutResponderUrlStaplesNothing() throws Exception {
    ca = new TestCa();
    startEdge(ca.issue(dir, "leaf", HOST, null), "openssl");
    JsonObject ocsp = ocsp();
    assertThat(ocsp.getString("status")).isEqualTo("none");
    assertThat(ocsp.getString("url")).isNull();
    assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent");
  }

  @Test
  void jdkEngineStaplesNothing() throws Exception {
    startEdge(leafWithResponder(TestOcspResponder.Status.GOOD), "jdk");
    JsonObject ocsp = ocsp();
    assertThat(ocsp.getString("status")).isEqualTo("off");
    assertThat(ocsp.getString("url")).isEqualTo(responder.url());
    assertThat(sClient("-tls1_3")).contains("OCSP response: no response sent");
    assertThat(responder.requests()).isZero();
  }

  /** The OCSP state of the first certificate in {@code GET /_cdn/tls}. */
  private JsonObject ocsp() {
    Resp r =
        await(
            send(
                HttpMethod.GET,
                "/_cdn/tls",
                HOST,
                Buffer.buffer(),
                "Authorization",
                "Bearer " + TOKEN));
    assertThat(r.status()).isEqualTo(200);
    return new JsonObject(r.body())
        .getJsonArray("certificates")
        .getJsonObject(0)
        .getJsonObject("ocsp");
  }

  private JsonObject awaitOcsp(java.util.function.Predicate<JsonObject> done) {
    Await.until(Duration.ofSeconds(20), () -> done.test(ocsp()));
    return ocsp();
  }

  /** openssl s_client's report of one handshake asking for the certificate status. */
  private String sClient(String version) throws Exception {
    Process p =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + edge.tlsPort(),
                "-servername",
                HOST,
                version,
                "-status")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client ended").isTrue();
    assertThat(out).as("handshake %s", version).contains("Verify return code");
    return out;
  }
}
