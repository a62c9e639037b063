package io.opencdn.edge.tls;

import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;

/**
 * The listener's certificates as Vert.x picks them by SNI name, telling {@code onDefault} when a
 * client names a host that no certificate covers (it then gets the first, default one). Immutable
 * (a reload makes a new one); equal only to itself, so Vert.x builds fresh contexts for each.
 */
final class SniCertificates implements KeyCertOptions {

  private final PemKeyCertOptions pem;
  private final Consumer<String> onDefault;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  SniCertificates(PemKeyCertOptions pem, Consumer<String> onDefault) {
    this.pem = pem;
    this.onDefault = onDefault;
  }

  @Override
  public KeyCertOptions copy() {
    return this;
  }

  @Override
  public KeyManagerFactory getKeyManagerFactory(Vertx vertx) throws Exception {
    return pem.getKeyManagerFactory(vertx);
  }

  @Override
  public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) throws Exception {
    Function<String, KeyManagerFactory> byName = pem.keyManagerFactoryMapper(vertx);
    return name -> {
      KeyManagerFactory kmf = byName.apply(name);
      if (kmf == null && name != null) {
        onDefault.accept(name);
      }
      return kmf;
    };
  }

  /** True the first time {@code name} is seen (at most 1,000 names are remembered). */
  boolean firstTime(String name) {
    if (seen.size() >= 1000) {
      return false;
    }
    return seen.add(name);
  }
}
