package io.opencdn.edge;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS listener: SNI picks the certificate, ALPN negotiates HTTP/2, the cache works over it.
 */
class TlsEdgeTest extends EdgeHarness {

  record Answer(HttpVersion version, String subject, String xCache, String body) {}

  EdgeConfig tlsConfig(boolean http2) {
    return testEdge()
        .distributions(
            List.of(
                new DistributionConfig(HOST, origin.url()),
                new DistributionConfig("other.test", origin.url())))
        .tls(TestTls.listener(http2, HOST, "other.test"))
        .build();
  }

  Answer fetch(HttpVersion version, String host, String path) {
    HttpClientAgent https =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(true)
                .setTrustAll(true)
                .setVerifyHost(false)
                .setUseAlpn(true)
                .setProtocolVersion(version));
    try {
      return await(
          https
              .request(
                  new RequestOptions()
                      .setServer(SocketAddress.inetSocketAddress(edge.tlsPort(), "127.0.0.1"))
                      .setHost(host)
                      .setPort(edge.tlsPort())
                      .setURI(path))
              .compose(
                  req ->
                      req.send()
                          .compose(
                              res ->
                                  res.body()
                                      .map(
                                          b -> {
                                            X509Certificate cert;
                                            try {
                                              cert =
                                                  (X509Certificate)
                                                      req.connection().peerCertificates().get(0);
                                            } catch (Exception e) {
                                              throw new IllegalStateException(e);
                                            }
                                            return new Answer(
                                                res.version(),
                                                cert.getSubjectX500Principal().getName(),
                                                res.getHeader("X-Cache"),
                                                b.toString());
                                          }))));
    } finally {
      await(https.close());
    }
  }

  @Test
  void sniSelectsTheCertificateAndHttp2IsNegotiated() {
    origin.content("/s", "secure", "Cache-Control", "max-age=60");
    start(tlsConfig(true));

    Answer first = fetch(HttpVersion.HTTP_2, HOST, "/s");
    Answer second = fetch(HttpVersion.HTTP_2, HOST, "/s");
    Answer other = fetch(HttpVersion.HTTP_1_1, "other.test", "/s");

    assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(first.subject()).isEqualTo("CN=www.cdn.test");
    assertThat(first.body()).isEqualTo("secure");
    assertThat(first.xCache()).startsWith("Miss");
    assertThat(second.xCache()).startsWith("Hit");
    assertThat(other.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(other.subject()).isEqualTo("CN=other.test");
    assertThat(get("/s").header("X-Cache")).startsWith("Hit"); // plain HTTP still served
  }

  @Test
  void withoutHttp2OnlyHttp11IsOffered() {
    origin.content("/h1", "one", "Cache-Control", "max-age=60");
    start(tlsConfig(false));

    assertThat(fetch(HttpVersion.HTTP_2, HOST, "/h1").version()).isEqualTo(HttpVersion.HTTP_1_1);
  }
}
