package io.opencdn.edge.tls;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import io.vertx.core.spi.tls.SslContextFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The session ticket keys of every OpenSSL context of the HTTPS listener (one per SNI name and
 * listener, made anew when certificates are reloaded). {@link #install} sets a key list on all of
 * them, and a context made later gets the current list as it is made: the first key issues tickets,
 * every key decrypts them. A key is 48 bytes: a 16-byte name, a 16-byte HMAC key and a 16-byte AES
 * key (RFC 5077 section 4's recommended ticket format, as OpenSSL does it). Thread-safe.
 */
public final class TicketKeys {

  /** Length of one key: name, HMAC key, AES key. */
  public static final int KEY_BYTES = 48;

  /** Held weakly: a context Vert.x dropped is released once unreachable (see the factory). */
  private final Set<SslContext> contexts = Collections.newSetFromMap(new WeakHashMap<>());

  private OpenSslSessionTicketKey[] keys;
  private long installs;

  /**
   * Installs {@code keys} (each {@link #KEY_BYTES} long; the first issues tickets) in every
   * context.
   */
  public void install(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no ticket key");
    }
    OpenSslSessionTicketKey[] k = new OpenSslSessionTicketKey[keys.size()];
    for (int i = 0; i < k.length; i++) {
      byte[] b = keys.get(i);
      if (b.length != KEY_BYTES) {
        throw new IllegalArgumentException(
            "a ticket key has " + KEY_BYTES + " bytes, not " + b.length);
      }
      k[i] =
          new OpenSslSessionTicketKey(
              java.util.Arrays.copyOfRange(b, 0, 16),
              java.util.Arrays.copyOfRange(b, 16, 32),
              java.util.Arrays.copyOfRange(b, 32, 48));
    }
    List<SslContext> now;
    synchronized (this) {
      this.keys = k;
      installs++;
      now = new ArrayList<>(contexts);
    }
    for (SslContext c : now) {
      ((OpenSslSessionContext) c.sessionContext()).setTicketKeys(k);
    }
  }

  /** How many times keys were installed. */
  public synchronized long installs() {
    return installs;
  }

  /** OpenSSL contexts currently known (alive). */
  public synchronized int contexts() {
    return contexts.size();
  }

  private void register(SslContext context) {
    if (!(context.sessionContext() instanceof OpenSslSessionContext s)) {
      return;
    }
    OpenSslSessionTicketKey[] k;
    synchronized (this) {
      contexts.add(context);
      k = keys;
    }
    if (k != null) {
      s.setTicketKeys(k);
    }
  }

  /** Vert.x engine options of OpenSSL whose contexts take these keys. */
  SSLEngineOptions engineOptions() {
    return new Options(this);
  }

  /**
   * {@link OpenSSLEngineOptions} whose context factory ({@link OpenSslContextFactory}, OCSP
   * stapling on) registers each server context it makes.
   */
  private static final class Options extends OpenSSLEngineOptions {
    private final TicketKeys keys;

    Options(TicketKeys keys) {
      this.keys = keys;
    }

    @Override
    public OpenSSLEngineOptions copy() {
      Options o = new Options(keys);
      o.setSessionCacheEnabled(isSessionCacheEnabled());
      o.setUseWorkerThread(getUseWorkerThread());
      return o;
    }

    @Override
    public SslContextFactory sslContextFactory() {
      return new OpenSslContextFactory(
          super.sslContextFactory(), isSessionCacheEnabled(), keys::register);
    }
  }
}
