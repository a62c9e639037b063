package io.opencdn.edge.tls;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;

/**
 * The listener's certificates as Vert.x takes them: one key manager factory whose {@link
 * SniKeyManager} picks the certificate of each handshake by SNI name and key type, telling {@code
 * onDefault} when a client names a host that no certificate covers (it then gets the default one)
 * and {@code onChosen} of each pick (OCSP stapling). The listener runs with Vert.x's own SNI off,
 * so every handshake goes through one engine context. Immutable (a reload makes a new one); equal
 * only to itself, so Vert.x builds a fresh context for each.
 */
final class SniCertificates implements KeyCertOptions {

  private final KeyManagerFactory factory;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  SniCertificates(
      TlsEngine engine,
      List<SniKeyManager.Entry> keys,
      Consumer<String> onDefault,
      BiConsumer<SniKeyManager.Entry, SSLEngine> onChosen) {
    this.factory = engine.keyManagerFactory(new SniKeyManager(keys, onDefault, onChosen));
  }

  @Override
  public KeyCertOptions copy() {
    return this;
  }

  @Override
  public KeyManagerFactory getKeyManagerFactory(Vertx vertx) {
    return factory;
  }

  @Override
  public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) {
    // only asked with Vert.x's SNI on: the same manager picks by name either way
    return name -> factory;
  }

  /** True the first time {@code name} is seen (at most 1,000 names are remembered). */
  boolean firstTime(String name) {
    if (seen.size() >= 1000) {
      return false;
    }
    return seen.add(name);
  }
}
