package io.opencdn.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCounted;
import io.opencdn.testing.Await;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The HTTPS listener's OpenSSL contexts are reference-counted: an engine (one per connection) holds
 * its context until the connection's handler releases it, and a context Vert.x drops (a certificate
 * reload makes new ones) is freed once unreachable, so native memory does not grow with reloads.
 */
class OpenSslContextFactoryTest {

  @Test
  void enginesAreFreedByReleaseAndADroppedContextOnceUnreachable() throws Exception {
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads on this platform").isTrue();
    TestCa ca = new TestCa();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] none = new char[0];
    ks.setKeyEntry("k", ca.key(), none, new Certificate[] {ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, none);
    List<SslContext> told = new ArrayList<>();
    OpenSslContextFactory factory =
        new OpenSslContextFactory(new OpenSSLEngineOptions().sslContextFactory(), false, told::add);
    factory.forClient(false).keyMananagerFactory(kmf);

    SslContext held = factory.create();
    assertThat(told).containsExactly(held);
    ReferenceCounted counted = ((OpenSslContextFactory.Owned) held).counted();
    assertThat(counted.refCnt()).isEqualTo(1);

    SSLEngine engine = held.newEngine(ByteBufAllocator.DEFAULT);
    assertThat(engine).isInstanceOf(ReferenceCounted.class);
    assertThat(counted.refCnt()).as("the engine holds its context").isEqualTo(2);
    ((ReferenceCounted) engine).release();
    assertThat(counted.refCnt()).isEqualTo(1);

    told.clear();
    held = null;
    assertThat(
            Await.poll(
                () -> {
                  System.gc();
                  return counted.refCnt() == 0;
                },
                Duration.ofSeconds(20)))
        .as("the context is released once nothing holds it")
        .isTrue();
  }
}
