package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.TlsConfig;
import io.opencdn.edge.tls.Pems;
import io.opencdn.edge.tls.TlsEngine;
import io.opencdn.testing.SelfSigned;
import io.opencdn.testing.TlsProbe;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS listener's engine and certificates: OpenSSL (BoringSSL) with TLS 1.2 and 1.3, ECDSA and
 * RSA certificates picked by SNI, the default certificate for an unknown name (counted), and
 * certificates replaced on disk swapped in live while an open connection keeps being served; a bad
 * replacement is refused and the old certificate keeps serving.
 */
class TlsReloadTest extends EdgeHarness {

  static final String RSA_HOST = "rsa.cdn.test";

  @TempDir Path dir;

  EdgeConfig tlsConfig(String engine, List<SelfSigned.Pem> pairs) {
    TlsConfig tls =
        new TlsConfig(
            Endpoint.parse("127.0.0.1:0"),
            pairs.stream()
                .map(p -> new TlsConfig.Certificate(p.cert().toString(), p.key().toString()))
                .toList(),
            true,
            engine,
            100,
            null);
    return testEdge()
        .distributions(
            List.of(
                new DistributionConfig(HOST, origin.url()),
                new DistributionConfig(RSA_HOST, origin.url())))
        .tls(tls)
        .build();
  }

  @Test
  void opensslServesTls12And13WithEcdsaAndRsaCertificates() throws Exception {
    origin.content("/a", "hello", "Cache-Control", "max-age=60");
    start(
        tlsConfig(
            "openssl",
            List.of(Pems.make(dir, "www", HOST, false), Pems.make(dir, "rsa", RSA_HOST, true))));

    assertThat(edge.tls().engine()).isEqualTo(TlsEngine.OPENSSL);
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      try (TlsProbe ec = new TlsProbe(edge.tlsPort(), protocol, HOST);
          TlsProbe rsa = new TlsProbe(edge.tlsPort(), protocol, RSA_HOST)) {
        assertThat(ec.protocol()).isEqualTo(protocol);
        assertThat(ec.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(rsa.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.certificate().getSubjectX500Principal().getName())
            .isEqualTo("CN=" + RSA_HOST);
        assertThat(ec.get(HOST, "/a")).isEqualTo("200 hello");
        assertThat(rsa.get(RSA_HOST, "/a")).isEqualTo("200 hello");
      }
    }
    JsonObject tls =
        new JsonObject(
            await(
                    send(
                        HttpMethod.GET,
                        "/_cdn/tls",
                        HOST,
                        Buffer.buffer(),
                        "Authorization",
                        "Bearer " + TOKEN))
                .body());
    assertThat(tls.getString("engine")).isEqualTo("openssl");
    assertThat(tls.getJsonArray("certificates")).hasSize(2);
    assertThat(tls.getLong("ticketKeyEpoch")).isNotNull();
    assertThat(get("/_cdn/metrics", "Authorization", "Bearer " + TOKEN).body())
        .contains("cdn_tls_engine{engine=\"openssl\"} 1.0");
    assertThat(get("/_cdn/tls").status()).isEqualTo(401);
  }

  @Test
  void jdkEngineWhenConfigured() throws Exception {
    origin.content("/j", "jdk", "Cache-Control", "max-age=60");
    start(tlsConfig("jdk", List.of(Pems.make(dir, "www", HOST, false))));

    assertThat(edge.tls().engine()).isEqualTo(TlsEngine.JDK);
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      assertThat(probe.get(HOST, "/j")).isEqualTo("200 jdk");
    }
    assertThat(edge.tls().stats().getString("engine")).isEqualTo("jdk");
  }

  @Test
  void aNameWithoutCertificateGetsTheDefaultOneAndIsCounted() throws Exception {
    start(
        tlsConfig(
            "auto",
            List.of(Pems.make(dir, "www", HOST, false), Pems.make(dir, "rsa", RSA_HOST, true))));

    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", "nobody.example")) {
      assertThat(probe.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
    }
    assertThat(edge.tls().stats().getLong("sniDefault")).isEqualTo(1L);
  }

  @Test
  void replacedFilesAreServedLiveAndOpenConnectionsStay() throws Exception {
    origin.content("/r", "kept", "Cache-Control", "max-age=60");
    SelfSigned.Pem first = Pems.make(dir, "www", HOST, false);
    start(tlsConfig("auto", List.of(first)));
    try (TlsProbe open = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      assertThat(open.get(HOST, "/r")).isEqualTo("200 kept");
      String before = open.fingerprint();

      Pems.make(
          dir, "www", HOST, false); // same files, new key and certificate (renamed into place)

      String after = awaitNewCertificate(before);
      assertThat(after).isNotEqualTo(before);
      assertThat(open.get(HOST, "/r")).isEqualTo("200 kept"); // the open connection was not dropped
      assertThat(open.fingerprint()).isEqualTo(before);
    }
    assertThat(edge.tls().stats().getLong("reloads")).isEqualTo(1L);
  }

  @Test
  void aKeyThatDoesNotMatchIsRefusedAndTheOldCertificateStays() throws Exception {
    SelfSigned.Pem www = Pems.make(dir, "www", HOST, false);
    SelfSigned.Pem other = Pems.make(dir, "other", "other.test", false);
    start(tlsConfig("auto", List.of(www)));
    String before;
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      before = probe.fingerprint();
    }

    Files.copy(other.key(), www.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Resp refused =
        await(
            send(
                HttpMethod.POST,
                "/_cdn/tls/reload",
                HOST,
                Buffer.buffer(),
                "Authorization",
                "Bearer " + TOKEN));

    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.body()).contains("does not belong to the certificate");
    try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
      assertThat(probe.fingerprint()).isEqualTo(before);
    }
    assertThat(edge.tls().stats().getLong("reloadFailures")).isGreaterThanOrEqualTo(1L);
  }

  private String awaitNewCertificate(String before) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (TlsProbe probe = new TlsProbe(edge.tlsPort(), "TLSv1.3", HOST)) {
        String now = probe.fingerprint();
        if (!now.equals(before) || System.nanoTime() > deadline) {
          return now;
        }
      }
      Thread.sleep(50);
    }
  }
}
