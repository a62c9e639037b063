package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.List;

/**
 * The HTTPS listener ({@code tls:} section): TLS with SNI, one certificate chain and key per
 * name, from PEM files, and HTTP/2 negotiated with ALPN.
 *
 * @param listen host:port of the HTTPS listener (next to the plain HTTP {@code listen})
 * @param certificates PEM certificate chain and private key pairs; the server picks the one whose
 *     names match the client's SNI name, the first one when none does
 * @param http2 offer HTTP/2 through ALPN (default true); HTTP/1.1 is always offered
 */
public record TlsConfig(
    @JsonProperty("listen") Endpoint listen,
    @JsonProperty("certificates") List<Certificate> certificates,
    @JsonProperty("http2") Boolean http2) {

  /**
   * One certificate.
   *
   * @param cert PEM certificate chain file (leaf first); relative to the working directory
   * @param key PEM private key file (PKCS#8 or PKCS#1)
   */
  public record Certificate(@JsonProperty("cert") String cert, @JsonProperty("key") String key) {
    public Certificate {
      ConfigException.require(cert != null && !cert.isBlank(), "cert", "a PEM certificate file", cert);
      ConfigException.require(key != null && !key.isBlank(), "key", "a PEM private key file", key);
    }
  }

  public TlsConfig {
    ConfigException.require(listen != null, "listen", "host:port of the HTTPS listener", "nothing");
    ConfigException.require(certificates != null && !certificates.isEmpty(), "certificates",
        "at least one {cert, key}", "none");
    certificates = List.copyOf(certificates);
    http2 = http2 == null ? Boolean.TRUE : http2;
  }
}
