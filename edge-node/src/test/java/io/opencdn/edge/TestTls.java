package io.opencdn.edge;

import io.opencdn.common.config.Endpoint;
import io.opencdn.edge.config.TlsConfig;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The HTTPS listener of the edge tests: the self-signed certificates under {@code /tls/} of the
 * test resources ({@code www.cdn.test}, {@code other.test}), served on 127.0.0.1, port 0.
 */
final class TestTls {
  private TestTls() {}

  /** The path of {@code /tls/<name>} in the test resources. */
  static String pem(String name) {
    try {
      return Path.of(TestTls.class.getResource("/tls/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The certificate and key of {@code host} ({@code <host>.cert.pem}, {@code <host>.key.pem}). */
  static TlsConfig.Certificate certificate(String host) {
    return new TlsConfig.Certificate(pem(host + ".cert.pem"), pem(host + ".key.pem"));
  }

  /** A listener on 127.0.0.1 (port 0) with the certificates of {@code hosts}, the first default. */
  static TlsConfig listener(boolean http2, String... hosts) {
    return new TlsConfig(
        Endpoint.parse("127.0.0.1:0"),
        Arrays.stream(hosts).map(TestTls::certificate).toList(),
        http2);
  }
}
