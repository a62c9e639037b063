package io.opencdn.edge.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import io.opencdn.common.config.ConfigException;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * The TLS implementation of the HTTPS listener: OpenSSL (BoringSSL, statically linked in
 * netty-tcnative-boringssl-static) when its native library loads on this platform, the JDK's {@code
 * SSLEngine} otherwise. Only OpenSSL lets the cluster's edges share session ticket keys ({@link
 * TicketKeys}); with the JDK engine each edge resumes only its own sessions.
 */
public enum TlsEngine {
  /** BoringSSL through Netty's tcnative. */
  OPENSSL,
  /** The JDK's SSLEngine. */
  JDK;

  /**
   * The engine of a {@code tls.engine} value: {@code auto} is OpenSSL when it loads, else the
   * JDK's; {@code openssl} fails when it does not load.
   *
   * @throws ConfigException for {@code openssl} when OpenSSL is unavailable (with the reason)
   */
  public static TlsEngine choose(String configured) {
    boolean available = OpenSsl.isAvailable() && OpenSsl.isAlpnSupported();
    return switch (configured) {
      case "jdk" -> JDK;
      case "openssl" -> {
        if (!available) {
          throw ConfigException.invalid(
              "tls.engine", "an engine that loads here", "openssl: " + unavailability());
        }
        yield OPENSSL;
      }
      default -> available ? OPENSSL : JDK;
    };
  }

  /** Why OpenSSL does not load here, or "available". */
  public static String unavailability() {
    Throwable cause = OpenSsl.unavailabilityCause();
    if (cause == null) {
      return OpenSsl.isAlpnSupported() ? "available" : "no ALPN support";
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  /** The engine's name and version as logged and reported, e.g. {@code openssl (BoringSSL)}. */
  public String description() {
    return this == OPENSSL
        ? "openssl (" + OpenSsl.versionString() + ")"
        : "jdk (" + System.getProperty("java.version") + ")";
  }

  /**
   * The key manager factory of {@code manager} for this engine. OpenSSL's caches the native form of
   * each alias's chain and key (made once, at the first handshake that uses it): without it every
   * handshake would encode the chain and the key to PEM in Java and parse them again in native
   * code.
   */
  KeyManagerFactory keyManagerFactory(X509KeyManager manager) {
    KeyManagerFactory plain = new KeyManagerFactoryWrapper(manager);
    return this == OPENSSL ? new OpenSslCachingX509KeyManagerFactory(plain) : plain;
  }

  /** Vert.x options of this engine; OpenSSL's install the {@code tickets} keys in every context. */
  public SSLEngineOptions options(TicketKeys tickets) {
    return this == OPENSSL ? tickets.engineOptions() : new JdkSSLEngineOptions();
  }
}
