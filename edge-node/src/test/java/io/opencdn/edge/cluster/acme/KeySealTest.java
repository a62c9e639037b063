package io.opencdn.edge.cluster.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sealed keys open only with the cluster secret and at the place they were sealed for. */
class KeySealTest {

  private final KeySeal mine = new KeySeal("a-cluster-secret-0123456789");
  private final KeySeal theirs = new KeySeal("another-secret-0123456789");

  @Test
  void opensOnlyWithTheSecretAtItsPlace() {
    byte[] key = "-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.US_ASCII);
    byte[] sealed = mine.seal("cert|dir|www.cdn.test|abc", key);

    assertThat(mine.open("cert|dir|www.cdn.test|abc", sealed)).isEqualTo(key);
    assertThat(mine.open("cert|dir|www.cdn.test|abd", sealed)).as("another chain").isNull();
    assertThat(theirs.open("cert|dir|www.cdn.test|abc", sealed)).as("another secret").isNull();
    sealed[sealed.length - 1] ^= 1;
    assertThat(mine.open("cert|dir|www.cdn.test|abc", sealed)).as("tampered").isNull();
    assertThat(mine.open("x", new byte[3])).isNull();
    assertThat(mine.open("x", null)).isNull();
  }

  @Test
  void aStoredCertificateOpensOnlyWithItsChain() {
    AcmeStore store = new AcmeStore(null, mine, "https://acme.test/dir", null);
    String place = store.certificateKey(List.of("www.cdn.test"));
    String chain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    byte[] sealed =
        mine.seal(place + "|" + AcmeStore.sha256(chain), "KEY".getBytes(StandardCharsets.US_ASCII));
    String value =
        new io.vertx.core.json.JsonObject()
            .put("chain", chain)
            .put("key", java.util.Base64.getEncoder().encodeToString(sealed))
            .put("hosts", new io.vertx.core.json.JsonArray(List.of("www.cdn.test")))
            .put("notBefore", 0L)
            .put("notAfter", 90_000L)
            .encode();

    AcmeStore.Issued issued = store.open(place, value);
    assertThat(issued.keyPem()).isEqualTo("KEY");
    assertThat(issued.renewAtMillis()).as("two thirds of the lifetime").isEqualTo(60_000L);
    assertThat(store.open(place, value.replace("AAAA", "BBBB"))).as("another chain").isNull();
    assertThat(store.open(store.certificateKey(List.of("cdn.test")), value))
        .as("another entry")
        .isNull();
    assertThat(store.open(place, "not json")).isNull();
  }
}
