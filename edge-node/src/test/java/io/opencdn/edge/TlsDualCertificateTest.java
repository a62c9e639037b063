package io.opencdn.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.CacheConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.OriginConfig;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.tls.Pems;
import io.opencdn.testing.SelfSigned;
import io.opencdn.testing.TlsProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name with an ECDSA and an RSA certificate, with each engine: a client that accepts ECDSA
 * signatures gets the ECDSA one, a client offering only RSA signature algorithms (openssl s_client
 * {@code -sigalgs}) gets the RSA one, with TLS 1.2 and 1.3.
 */
class TlsDualCertificateTest extends EdgeHarness {

  @TempDir Path dir;

  EdgeConfig config(String engine) throws Exception {
    List<SelfSigned.Pem> pairs =
        List.of(Pems.make(dir, "ec", HOST, false), Pems.make(dir, "rsa", HOST, true));
    TlsConfig tls =
        new TlsConfig(
            Endpoint.parse("127.0.0.1:0"),
            pairs.stream()
                .map(p -> new TlsConfig.Certificate(p.cert().toString(), p.key().toString()))
                .toList(),
            true,
            engine,
            0,
            null);
    return EdgeConfig.builder()
        .id("test-edge")
        .region("test")
        .latitude(50.0)
        .longitude(8.0)
        .listen(Endpoint.parse("127.0.0.1:0"))
        .adminToken(TOKEN)
        .cache(new CacheConfig(1L << 20, 64L << 10))
        .origin(new OriginConfig(500, 2000))
        .distributions(List.of(new DistributionConfig(HOST, origin.url())))
        .tls(tls)
        .build();
  }

  @Test
  void openssl() throws Exception {
    check("openssl");
  }

  @Test
  void jdk() throws Exception {
    check("jdk");
  }

  private void check(String engine) throws Exception {
    origin.content("/d", "dual", "Cache-Control", "max-age=60");
    start(config(engine));
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      try (TlsProbe probe = new TlsProbe(edge.tlsPort(), protocol, HOST)) {
        assertThat(probe.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(probe.get(HOST, "/d")).isEqualTo("200 dual");
      }
    }
    assertThat(sClient("-tls1_2", "ECDSA+SHA256:RSA+SHA256"))
        .contains("Peer signature type: ECDSA");
    assertThat(sClient("-tls1_2", "RSA+SHA256:RSA-PSS+SHA256"))
        .containsPattern("Peer signature type: RSA")
        .contains("Server public key is 2048 bit");
    assertThat(sClient("-tls1_3", "rsa_pss_rsae_sha256"))
        .contains("Peer signature type: RSA-PSS")
        .contains("Server public key is 2048 bit");
    assertThat(sClient("-tls1_3", "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256"))
        .contains("Peer signature type: ECDSA");
  }

  /** openssl s_client's report of one handshake with {@code version} and {@code sigalgs}. */
  private String sClient(String version, String sigalgs) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + edge.tlsPort(),
                "-servername",
                HOST,
                version,
                "-sigalgs",
                sigalgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("openssl s_client ended").isTrue();
    assertThat(out).as("handshake with %s %s", version, sigalgs).contains("Verify return code");
    return out;
  }
}
