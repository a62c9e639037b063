package io.opencdn.edge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opencdn.common.config.ConfigException;
import io.opencdn.common.config.Endpoint;
import java.util.List;
import java.util.Locale;

/**
 * The HTTPS listener ({@code tls:} section): TLS 1.2 and 1.3 with SNI, one certificate chain and
 * key per name, from PEM files watched and reloaded live, HTTP/2 negotiated with ALPN, and session
 * tickets whose keys rotate (shared by the cluster's edges when there is a cluster).
 *
 * @param listen host:port of the HTTPS listener (next to the plain HTTP {@code listen})
 * @param certificates PEM certificate chain and private key pairs; the server picks the one whose
 *     names match the client's SNI name, the first one when none does; where an ECDSA and an RSA
 *     one have the same names, ECDSA for clients that accept it
 * @param http2 offer HTTP/2 through ALPN (default true); HTTP/1.1 is always offered
 * @param engine {@code auto} (default: OpenSSL/BoringSSL when it loads, else the JDK's), {@code
 *     openssl} (refuse to start without it) or {@code jdk}
 * @param watchMillis how often the PEM files are checked for changes, besides when the operating
 *     system reports a change in their directories (default 1000; 0 = only on SIGHUP or {@code POST
 *     /_cdn/tls/reload})
 * @param ticketKeyRotationSeconds lifetime of a session ticket key as the key that issues tickets
 *     (default 3600); a ticket is accepted for up to twice this
 * @param acme certificates issued and renewed through ACME, served beside those of {@code
 *     certificates} (which keep the default); null for files only
 */
public record TlsConfig(
    @JsonProperty("listen") Endpoint listen,
    @JsonProperty("certificates") List<Certificate> certificates,
    @JsonProperty("http2") Boolean http2,
    @JsonProperty("engine") String engine,
    @JsonProperty("watchMillis") Integer watchMillis,
    @JsonProperty("ticketKeyRotationSeconds") Integer ticketKeyRotationSeconds,
    @JsonProperty("acme") AcmeConfig acme) {

  /** The engine values {@code engine} accepts. */
  public static final List<String> ENGINES = List.of("auto", "openssl", "jdk");

  /**
   * One certificate.
   *
   * @param cert PEM certificate chain file (leaf first); relative to the working directory
   * @param key PEM private key file (PKCS#8 or PKCS#1)
   */
  public record Certificate(@JsonProperty("cert") String cert, @JsonProperty("key") String key) {
    public Certificate {
      ConfigException.require(
          cert != null && !cert.isBlank(), "cert", "a PEM certificate file", cert);
      ConfigException.require(key != null && !key.isBlank(), "key", "a PEM private key file", key);
    }
  }

  public TlsConfig {
    ConfigException.require(listen != null, "listen", "host:port of the HTTPS listener", "nothing");
    ConfigException.require(
        certificates != null && !certificates.isEmpty(),
        "certificates",
        "at least one {cert, key}",
        "none");
    certificates = List.copyOf(certificates);
    http2 = http2 == null ? Boolean.TRUE : http2;
    engine = engine == null ? "auto" : engine.toLowerCase(Locale.ROOT);
    ConfigException.require(ENGINES.contains(engine), "engine", "one of " + ENGINES, engine);
    watchMillis = watchMillis == null ? 1000 : watchMillis;
    ConfigException.require(
        watchMillis == 0 || (watchMillis >= 100 && watchMillis <= 3_600_000),
        "watchMillis",
        "0 (off) or 100..3600000",
        watchMillis);
    ticketKeyRotationSeconds = ticketKeyRotationSeconds == null ? 3600 : ticketKeyRotationSeconds;
    ConfigException.require(
        ticketKeyRotationSeconds >= 10 && ticketKeyRotationSeconds <= 86_400,
        "ticketKeyRotationSeconds",
        "10..86400",
        ticketKeyRotationSeconds);
  }

  /** A listener whose certificates all come from files. */
  public TlsConfig(
      Endpoint listen,
      List<Certificate> certificates,
      Boolean http2,
      String engine,
      Integer watchMillis,
      Integer ticketKeyRotationSeconds) {
    this(listen, certificates, http2, engine, watchMillis, ticketKeyRotationSeconds, null);
  }

  /** A listener with the default engine, watch interval and ticket key rotation. */
  public TlsConfig(Endpoint listen, List<Certificate> certificates, Boolean http2) {
    this(listen, certificates, http2, null, null, null, null);
  }
}
