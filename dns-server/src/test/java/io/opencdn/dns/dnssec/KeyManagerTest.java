package io.opencdn.dns.dnssec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opencdn.dns.config.DnssecAlgorithm;
import io.opencdn.dns.config.DnssecConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/**
 * Keys on disk and their schedule: BIND's format read (the RFC 6605 6.1 example key) and written
 * back, first keys of both layouts, the successors' times for ZSK pre-publication and KSK double
 * signature, CDS moving to the new KSK when it signs, one key made when two managers share a
 * directory, a stale claim taken over, errors naming the file.
 */
class KeyManagerTest {

  static final Name ZONE = Name.fromConstantString("example.net.");
  static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
  @TempDir Path dir;

  static DnssecConfig config(String keys) {
    return new DnssecConfig(
        "keys", null, keys, 3600, 86_400L, 21_600L, 2, 4, 21_600L, 21_600L, 43_200L, null);
  }

  @Test
  void readsBindsFormatAndTheKeySignsForItsDnskey() throws Exception {
    // RFC 6605 6.1: the example P-256 KSK of example.net.
    Files.writeString(
        dir.resolve("Kexample.net.+013+55648.key"),
        "example.net. 3600 IN DNSKEY 257 3 13 ( GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )\n");
    Files.writeString(
        dir.resolve("Kexample.net.+013+55648.private"),
        """
        Private-key-format: v1.2
        Algorithm: 13 (ECDSAP256SHA256)
        PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=
        """);
    List<ZoneKey> keys = KeyFiles.read(dir);
    assertThat(keys).hasSize(1);
    ZoneKey k = keys.get(0);
    assertThat(k.tag()).isEqualTo(55648);
    assertThat(k.role()).isEqualTo("ksk");
    assertThat(k.state(T0)).isEqualTo(KeyState.GENERATED); // no Publish time: not in the DNSKEY set
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(k.privateKey());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA256withECDSA");
    v.initVerify(k.dnskey().getPublicKey());
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
    // written back and read again: the same key, with the times and role we give it
    ZoneKey timed =
        new ZoneKey(
            ZONE,
            k.dnskey(),
            k.privateKey(),
            true,
            true,
            T0,
            T0,
            T0,
            T0.plusSeconds(99),
            null,
            T0,
            null,
            k.file());
    KeyFiles.write(dir, timed);
    ZoneKey again = KeyFiles.read(dir).get(0);
    assertThat(again.role()).isEqualTo("csk");
    assertThat(again.inactive()).isEqualTo(T0.plusSeconds(99));
    assertThat(
            Base64.getEncoder()
                .encodeToString(DnssecAlgorithm.ECDSAP256SHA256.rawPrivate(again.privateKey())))
        .isEqualTo("GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=");
    assertThat(Files.readString(dir.resolve(k.file() + ".private")))
        .contains(
            "Private-key-format: v1.3",
            "Algorithm: 13 (ECDSAP256SHA256)",
            "Activate: 20261207120000",
            "Inactive: 20261207120139");
  }

  @Test
  void aBrokenFileIsNamed() throws Exception {
    Files.writeString(
        dir.resolve("Kexample.net.+013+00001.key"), "example.net. 3600 IN DNSKEY 257 3 13 AAAA\n");
    Files.writeString(
        dir.resolve("Kexample.net.+013+00001.private"),
        "Private-key-format: v1.3\nAlgorithm: 13\n");
    assertThatThrownBy(() -> KeyFiles.read(dir))
        .hasMessageContaining("Kexample.net.+013+00001.private")
        .hasMessageContaining("PrivateKey");
  }

  @Test
  void zskPrepublicationAndKskDoubleSignatureTimes() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    KeyManager m = new KeyManager(dir, config("ksk+zsk"), clock);
    List<ZoneKey> first = m.refresh(List.of(ZONE));
    assertThat(first).extracting(ZoneKey::role).containsExactlyInAnyOrder("ksk", "zsk");
    List<ZoneKey> keys = m.refresh(List.of(ZONE)); // successors of the active keys
    assertThat(keys).hasSize(4);
    ZoneKey zsk1 = only(keys, "zsk", T0);
    ZoneKey zsk2 =
        keys.stream()
            .filter(k -> k.role().equals("zsk") && k != zsk1 && k.activate().isAfter(T0))
            .findFirst()
            .orElseThrow();
    assertThat(zsk1.inactive()).isEqualTo(T0.plus(Duration.ofDays(2)));
    assertThat(zsk2.activate()).isEqualTo(zsk1.inactive());
    assertThat(zsk2.publish()).isEqualTo(zsk1.inactive().minusSeconds(21_600));
    assertThat(zsk1.delete()).isEqualTo(zsk1.inactive().plusSeconds(21_600));
    ZoneKey ksk1 = only(keys, "ksk", T0);
    ZoneKey ksk2 =
        keys.stream().filter(k -> k.role().equals("ksk") && k != ksk1).findFirst().orElseThrow();
    Instant switchAt = ksk1.inactive().minusSeconds(43_200);
    assertThat(ksk2.activate()).isEqualTo(switchAt);
    assertThat(ksk2.publish()).isEqualTo(switchAt.minusSeconds(21_600));
    assertThat(ksk1.syncDelete()).isEqualTo(switchAt);
    assertThat(ksk2.syncPublish()).isEqualTo(switchAt);
    // during the double signature both KSKs sign the DNSKEY set, CDS names only the new one,
    // and of the ZSKs only the one activated last signs the data
    Instant during = switchAt.plusSeconds(3600);
    KeyRing ring = new KeyRing(ZONE, keys, during, 3600);
    assertThat(ring.keySigners()).containsExactlyInAnyOrder(ksk1, ksk2);
    assertThat(ring.cds().size()).isEqualTo(1);
    assertThat(ring.ds(3600).get(0).getFootprint()).isEqualTo(ksk2.tag());
    assertThat(new KeyRing(ZONE, keys, T0.plusSeconds(60), 3600).ds(3600).get(0).getFootprint())
        .isEqualTo(ksk1.tag());
    // a third refresh makes nothing new: successors are made only for active keys
    assertThat(m.refresh(List.of(ZONE))).hasSize(4);
  }

  @Test
  void twoServersSharingTheDirectoryMakeOneKey() {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    List<ZoneKey> a = new KeyManager(dir, config("csk"), clock).refresh(List.of(ZONE));
    List<ZoneKey> b = new KeyManager(dir, config("csk"), clock).refresh(List.of(ZONE));
    assertThat(a).hasSize(1);
    assertThat(b).extracting(ZoneKey::tag).contains(a.get(0).tag());
    assertThat(b.stream().filter(k -> k.activate().equals(a.get(0).activate()))).hasSize(1);
  }

  @Test
  void aStaleClaimIsTakenOver() throws Exception {
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    Files.createDirectories(dir);
    Path claim = dir.resolve("Kexample.net.ksk-first-" + T0.getEpochSecond() + ".claim");
    Files.createFile(claim);
    assertThat(new KeyManager(dir, config("csk"), clock).refresh(List.of(ZONE)))
        .isEmpty(); // another server is making it
    Files.setLastModifiedTime(
        claim, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
    assertThat(new KeyManager(dir, config("csk"), clock).refresh(List.of(ZONE))).hasSize(1);
  }

  private static ZoneKey only(List<ZoneKey> keys, String role, Instant activate) {
    return keys.stream()
        .filter(k -> k.role().equals(role) && k.activate().equals(activate))
        .min(Comparator.comparing(ZoneKey::tag))
        .orElseThrow();
  }
}
