package io.opencdn.edge.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The certificate picked for a handshake: exact names before wildcards, wildcards one label deep,
 * the default (and the counter told) for a name nobody covers, and ECDSA or RSA by what the client
 * accepts where one name has both.
 */
class SniKeyManagerTest {

  static SniKeyManager.Entry entry(String alias, String keyType, String... names) {
    return new SniKeyManager.Entry(
        alias, List.of(names), keyType, new X509Certificate[0], (PrivateKey) null);
  }

  final List<String> defaulted = new ArrayList<>();
  final SniKeyManager km =
      new SniKeyManager(
          List.of(
              entry("c0", "EC", "www.cdn.test"),
              entry("c1", "RSA", "www.cdn.test"),
              entry("c2", "EC", "*.img.cdn.test"),
              entry("c3", "RSA", "exact.img.cdn.test", "Other.CDN.test")),
          defaulted::add);

  @Test
  void exactNamesBeforeWildcardsAndCaseDoesNotMatter() {
    assertThat(km.pick("exact.img.cdn.test", () -> true).alias()).isEqualTo("c3");
    assertThat(km.pick("OTHER.cdn.test", () -> true).alias()).isEqualTo("c3");
    assertThat(km.pick("a.img.cdn.test", () -> true).alias()).isEqualTo("c2");
    assertThat(km.covering("a.b.img.cdn.test")).isNull();
    assertThat(km.covering("img.cdn.test")).isNull();
  }

  @Test
  void dualCertificatesByWhatTheClientAccepts() {
    assertThat(km.pick("www.cdn.test", () -> true).alias()).isEqualTo("c0");
    assertThat(km.pick("www.cdn.test", () -> false).alias()).isEqualTo("c1");
    // the default is the first certificate and its RSA twin
    assertThat(km.pick("nobody.test", () -> false).alias()).isEqualTo("c1");
    assertThat(km.pick(null, () -> true).alias()).isEqualTo("c0");
  }

  @Test
  void theClientIsAskedOnlyWhereANameHasTwoCertificates() {
    assertThat(
            km.pick(
                    "a.img.cdn.test",
                    () -> {
                      throw new AssertionError("asked for a name with one certificate");
                    })
                .alias())
        .isEqualTo("c2");
  }

  @Test
  void onlyTheChosenKeyTypeGetsAnAliasAndTheDefaultIsReportedOnce() {
    // without a handshake session: no name, no signature algorithms (RSA for a dual default)
    assertThat(km.chooseEngineServerAlias("EC", null, null)).isNull();
    assertThat(km.chooseEngineServerAlias("RSA", null, null)).isEqualTo("c1");
    assertThat(defaulted).isEmpty();
    assertThat(km.getServerAliases("EC", null)).containsExactly("c0", "c2");
    assertThat(km.getPrivateKey("nope")).isNull();
  }

  @Test
  void theStaplerIsToldThePickAndItsEngineOnlyForTheChosenKeyType() throws Exception {
    List<String> told = new ArrayList<>();
    javax.net.ssl.SSLEngine engine = javax.net.ssl.SSLContext.getDefault().createSSLEngine();
    SniKeyManager m =
        new SniKeyManager(
            List.of(entry("c0", "EC", "www.cdn.test"), entry("c1", "RSA", "www.cdn.test")),
            name -> {},
            (e, en) -> told.add(e.alias() + (en == engine ? " on the engine" : " elsewhere")));
    // no handshake session yet: no name, no signature algorithms, so the RSA twin of the default
    assertThat(m.chooseEngineServerAlias("EC", null, engine)).isNull();
    assertThat(m.chooseEngineServerAlias("RSA", null, engine)).isEqualTo("c1");
    assertThat(told).containsExactly("c1 on the engine");
  }
}
