package io.opencdn.edge.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.spi.tls.SslContextFactory;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Makes the HTTPS listener's OpenSSL server contexts as Vert.x's own factory does (key manager,
 * ciphers, ALPN, client auth, session cache), with OCSP stapling enabled so that each handshake's
 * engine takes the response {@link OcspStapler} hands it, and tells {@code created} of each context
 * (so {@link TicketKeys} installs its keys). A client context is left to Vert.x's factory.
 *
 * <p>The server contexts are reference-counted ({@link SslProvider#OPENSSL_REFCNT}): their engines,
 * one per connection, are freed by the connection's {@code SslHandler} when it closes, not by a
 * finalizer (which costs each engine an allocation in the finalizer queue and two collections).
 * Vert.x drops a context without releasing it (a certificate reload makes new ones), so what Vert.x
 * holds is a wrapper that releases this factory's reference once the wrapper is unreachable;
 * engines still open keep their context alive by their own reference.
 */
final class OpenSslContextFactory implements SslContextFactory {

  private static final Cleaner RELEASER = Cleaner.create();

  private final SslContextFactory vertxDefault;
  private final boolean sessionCache;
  private final Consumer<SslContext> created;
  private boolean useAlpn;
  private ClientAuth clientAuth;
  private boolean forClient;
  private KeyManagerFactory kmf;
  private TrustManagerFactory tmf;
  private Set<String> ciphers;
  private List<String> protocols;

  OpenSslContextFactory(
      SslContextFactory vertxDefault, boolean sessionCache, Consumer<SslContext> created) {
    this.vertxDefault = vertxDefault;
    this.sessionCache = sessionCache;
    this.created = created;
  }

  @Override
  public SslContextFactory useAlpn(boolean useAlpn) {
    vertxDefault.useAlpn(useAlpn);
    this.useAlpn = useAlpn;
    return this;
  }

  @Override
  public SslContextFactory clientAuth(ClientAuth clientAuth) {
    vertxDefault.clientAuth(clientAuth);
    this.clientAuth = clientAuth;
    return this;
  }

  @Override
  public SslContextFactory forClient(boolean forClient) {
    vertxDefault.forClient(forClient);
    this.forClient = forClient;
    return this;
  }

  @Override
  public SslContextFactory keyMananagerFactory(KeyManagerFactory kmf) {
    vertxDefault.keyMananagerFactory(kmf);
    this.kmf = kmf;
    return this;
  }

  @Override
  public SslContextFactory trustManagerFactory(TrustManagerFactory tmf) {
    vertxDefault.trustManagerFactory(tmf);
    this.tmf = tmf;
    return this;
  }

  @Override
  public SslContextFactory enabledCipherSuites(Set<String> suites) {
    vertxDefault.enabledCipherSuites(suites);
    this.ciphers = suites;
    return this;
  }

  @Override
  public SslContextFactory applicationProtocols(List<String> protocols) {
    vertxDefault.applicationProtocols(protocols);
    this.protocols = protocols;
    return this;
  }

  @Override
  public SslContextFactory serverName(String serverName) {
    vertxDefault.serverName(serverName);
    return this;
  }

  @Override
  public SslContext create() throws SSLException {
    SslContext c = forClient ? vertxDefault.create() : released(server());
    created.accept(c);
    return c;
  }

  private SslContext server() throws SSLException {
    SslContextBuilder b =
        SslContextBuilder.forServer(kmf).sslProvider(SslProvider.OPENSSL_REFCNT).enableOcsp(true);
    if (tmf != null) {
      b.trustManager(tmf);
    }
    Set<String> suites =
        ciphers == null || ciphers.isEmpty() ? OpenSsl.availableOpenSslCipherSuites() : ciphers;
    if (!suites.isEmpty()) {
      b.ciphers(suites);
    }
    if (useAlpn && protocols != null && !protocols.isEmpty()) {
      b.applicationProtocolConfig(
          new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              protocols));
    }
    if (clientAuth != null) {
      b.clientAuth(clientAuth);
    }
    SslContext c = b.build();
    if (c.sessionContext() instanceof OpenSslServerSessionContext s) {
      s.setSessionCacheEnabled(sessionCache);
    }
    return c;
  }

  /** {@code c} behind a wrapper whose collection releases it. */
  private static SslContext released(SslContext c) {
    SslContext wrapper = new Owned(c);
    RELEASER.register(wrapper, () -> io.netty.util.ReferenceCountUtil.release(c));
    return wrapper;
  }

  /** A server context as Vert.x holds it: the reference-counted one, released when unreachable. */
  static final class Owned extends DelegatingSslContext {
    private final SslContext counted;

    Owned(SslContext c) {
      super(c);
      this.counted = c;
    }

    /** The reference-counted context inside (for tests). */
    io.netty.util.ReferenceCounted counted() {
      return (io.netty.util.ReferenceCounted) counted;
    }

    @Override
    protected void initEngine(javax.net.ssl.SSLEngine engine) {
      // nothing to add: the engine is the reference-counted context's own
    }
  }
}
