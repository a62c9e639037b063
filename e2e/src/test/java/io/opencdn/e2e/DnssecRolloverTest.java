package io.opencdn.e2e;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.dnssec.KeyRing;
import io.opencdn.dns.dnssec.KeyState;
import io.opencdn.dns.dnssec.ZoneKey;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A ZSK rollover by pre-publication and a KSK rollover by double signature, driven by an injected
 * clock through every key state (generated, published, active, retired, removed) of both roles,
 * while Unbound keeps validating: at every step, for every KSK that signs at that moment (the old
 * and the new during the double signature: a resolver may hold either DS), a fresh Unbound anchored
 * at that KSK's DS, checking signature times against the injected clock ({@code
 * val-override-date}), returns AD for a geo answer and a denial.
 */
class DnssecRolloverTest {

  static final Name ZONE = Name.fromConstantString("cdn.test.");
  private Vertx vertx;

  /** A clock tests move. */
  static final class MovableClock extends Clock {
    volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void everyKeyStatePassesWhileUnboundValidates() throws Exception {
    Path dir = Files.createTempDirectory("dnssec-rollover");
    try (InputStream in = getClass().getResourceAsStream("/dnssec/cdn.test.zone")) {
      Files.copy(in, dir.resolve("cdn.test.zone"));
    }
    String yaml =
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: cdn.test.zone}]\n"
            + DnssecValidationTest.EDGES
            + "dnssec: {keyDirectory: keys, keys: ksk+zsk, zskLifetimeDays: 2, kskLifetimeDays: 4, prepublishSeconds: 21600,\n"
            + "         retireSeconds: 21600, dsWaitSeconds: 43200, signatureValiditySeconds: 86400, signatureRefreshSeconds: 21600}\n";
    Path config = dir.resolve("dns.yaml");
    Files.writeString(config, yaml);
    Instant t0 = Instant.parse("2026-12-07T12:00:00Z");
    MovableClock clock = new MovableClock(t0);
    vertx = Vertx.vertx();
    DnsServer server =
        new DnsServer(
            vertx,
            ConfigLoader.parse(yaml, config.toString(), DnsConfig.class),
            config.toString(),
            null,
            clock);
    int port = await(server.start(), Duration.ofSeconds(60));

    Map<String, Set<KeyState>> seen = new TreeMap<>();
    Duration h = Duration.ofHours(1);
    List<Duration> steps =
        List.of(
            h,
            Duration.ofDays(2).minus(h.multipliedBy(3)),
            Duration.ofDays(2).plus(h.multipliedBy(3)),
            Duration.ofDays(2).plus(h.multipliedBy(7)),
            Duration.ofHours(84 - 3),
            Duration.ofHours(84 + 3),
            Duration.ofDays(4).plus(h.multipliedBy(3)),
            Duration.ofDays(4).plus(h.multipliedBy(7)));
    for (Duration step : steps) {
      clock.now = t0.plus(step);
      await(server.dnssec().check(), Duration.ofSeconds(30));
      KeyRing ring = server.dnssec().signer().rings().get(ZONE);
      StringBuilder states = new StringBuilder("at T0+" + step + ":");
      for (ZoneKey k : ring.keys()) {
        KeyState s = k.state(clock.now);
        seen.computeIfAbsent(k.role(), r -> EnumSet.noneOf(KeyState.class)).add(s);
        states.append(' ').append(k.role()).append(k.tag()).append('=').append(s);
      }
      List<ZoneKey> signingKsks = ring.keySigners();
      assertThat(signingKsks).as(states.toString()).isNotEmpty();
      for (ZoneKey ksk : signingKsks) {
        DSRecord ds = new DSRecord(ZONE, DClass.IN, 3600, DSRecord.Digest.SHA256, ksk.dnskey());
        try (Unbound unbound = new Unbound(dir, "cdn.test.", port, List.of(ds), clock.now)) {
          for (String[] q :
              new String[][] {{"www.cdn.test.", "81.2.69.0/24"}, {"nothere.cdn.test.", null}}) {
            Message m = unbound.query(q[0], Type.A, q[1]);
            assertThat(m.getRcode())
                .as(states + " " + q[0] + " anchored at " + ksk.tag() + ": " + m + unbound.log())
                .isEqualTo(Rcode.NOERROR);
            assertThat(m.getHeader().getFlag(Flags.AD))
                .as(states + " " + q[0] + " anchored at " + ksk.tag() + ": " + m + unbound.log())
                .isTrue();
          }
        }
      }
    }
    assertThat(seen.get("zsk")).as("ZSK states seen").containsExactlyInAnyOrder(KeyState.values());
    assertThat(seen.get("ksk")).as("KSK states seen").containsExactlyInAnyOrder(KeyState.values());
    await(server.stop());
  }
}
