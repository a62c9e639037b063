package io.opencdn.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.distribution.CertificateSource;
import io.opencdn.common.distribution.DistributionsParser;
import io.opencdn.edge.config.EdgeConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./cdn demo --acme-directory URL --acme-ca PEM}: what the edges and distributions get. */
class DemoAcmeOptionsTest {

  @TempDir Path dir;

  @Test
  void theDemoEdgesTakeTheAcmeServerAndTheDistributionsAskForIt() throws Exception {
    Path ca = Files.writeString(dir.resolve("pebble.pem"), "-----BEGIN CERTIFICATE-----\n");
    String acme = DemoAcme.acmeSection("https://127.0.0.1:14000/dir", ca);
    for (DemoTopology.DemoEdge e : DemoTopology.EDGES) {
      String yaml =
          ConfigLoader.interpolate(
              resource("demo/edge-" + e.id() + ".yaml"),
              e.config(),
              Map.of(
                  "CDN_CLUSTER_SECRET", "demo-secret-0123456789",
                  "CDN_TLS_CERT", "edge.pem",
                  "CDN_TLS_KEY", "edge.key",
                  "CDN_ACME", acme));
      EdgeConfig c = ConfigLoader.parse(yaml, e.config(), EdgeConfig.class);
      assertThat(c.tls().acme().directory()).isEqualTo("https://127.0.0.1:14000/dir");
      assertThat(c.tls().acme().trustRoot()).isEqualTo(ca.toAbsolutePath().toString());
      assertThat(c.tls().acme().challenge()).isEqualTo("dns-01");
      assertThat(c.tls().acme().hosts()).as("the distributions name them").isEmpty();
    }
    var doc =
        DistributionsParser.parse(
            DemoAcme.withAcmeCertificates(resource(DemoTopology.DISTRIBUTIONS)), "demo");
    assertThat(doc.distributions())
        .allSatisfy(
            d -> {
              CertificateSource s = d.certificate();
              assertThat(s.acme()).isTrue();
              assertThat(s.names()).isEqualTo(d.hosts());
            });
  }

  @Test
  void withoutADirectoryNothingChangesAndMistakesNameTheOption() {
    assertThat(DemoAcme.acmeSection(null, null)).isNull();
    assertThatThrownBy(() -> DemoAcme.acmeSection(null, dir.resolve("x.pem")))
        .hasMessageContaining("--acme-ca needs --acme-directory");
    assertThatThrownBy(() -> DemoAcme.acmeSection("127.0.0.1:14000/dir", null))
        .hasMessageContaining("--acme-directory");
    assertThatThrownBy(
            () -> DemoAcme.acmeSection("https://127.0.0.1:14000/dir", dir.resolve("none.pem")))
        .hasMessageContaining("--acme-ca")
        .hasMessageContaining("none.pem");
  }

  private static String resource(String name) throws Exception {
    try (InputStream in = DemoAcmeOptionsTest.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
