package io.opencdn.e2e;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.dnssec.KeyRing;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Our signed answers checked by real validators, Unbound (validating, our DS as its only trust
 * anchor, Client Subnet forwarded) and BIND's {@code delv} (Debian {@code unbound} and {@code
 * bind9-dnsutils}; CI installs both): AD for the geo answer of each region, NXDOMAIN (compact
 * denial), NODATA, a wildcard, a CNAME, DNSKEY; "fully validated" from delv; and SERVFAIL from
 * Unbound for a server whose DNSKEY is ours but whose signatures are made by another key. Servers
 * are started as {@code ./cdn dns} starts them ({@link DnsServer} from a YAML config with a {@code
 * dnssec} section and a key directory beside it).
 */
class DnssecValidationTest {

  static Path dir;
  static Vertx vertx;
  static DnsServer server;
  static int port;
  static Unbound unbound;

  static final String EDGES =
      """
      rrl: {enabled: false}
      routing: [{name: www.cdn.test., ttl: 20, answers: 1}]
      edges:
        - {id: us-east, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11}
        - {id: eu-west, latitude: 50.11, longitude: 8.68, ipv4: 127.0.0.12}
        - {id: ap-northeast, latitude: 35.68, longitude: 139.69, ipv4: 127.0.0.13}
      """;

  static DnsServer server(Path dir, String keys) throws Exception {
    Path zone = dir.resolve("cdn.test.zone");
    if (!Files.exists(zone)) {
      try (InputStream in =
          DnssecValidationTest.class.getResourceAsStream("/dnssec/cdn.test.zone")) {
        Files.copy(in, zone);
      }
    }
    String yaml =
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: cdn.test.zone}]\n"
            + EDGES
            + "dnssec: {keyDirectory: "
            + keys
            + "}\n";
    Path config = dir.resolve(keys + ".yaml");
    Files.writeString(config, yaml);
    return new DnsServer(
        vertx,
        ConfigLoader.parse(yaml, config.toString(), DnsConfig.class),
        config.toString(),
        null,
        Clock.systemUTC());
  }

  static int start(DnsServer s) throws Exception {
    return await(s.start(), Duration.ofSeconds(60));
  }

  static List<DSRecord> ds(DnsServer s) {
    KeyRing ring = s.dnssec().signer().rings().get(Name.fromConstantString("cdn.test."));
    return ring.ds(3600);
  }

  @BeforeAll
  static void startAll() throws Exception {
    dir = Files.createTempDirectory("dnssec-validation");
    vertx = Vertx.vertx();
    server = server(dir, "keys");
    port = start(server);
    unbound = new Unbound(dir, "cdn.test.", port, ds(server), null);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (unbound != null) {
      unbound.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static void assertValidated(Message m, int rcode) throws Exception {
    assertThat(m.getRcode()).as(m + unbound.log()).isEqualTo(rcode);
    assertThat(m.getHeader().getFlag(Flags.AD)).as("AD in " + m + unbound.log()).isTrue();
  }

  @Test
  void geoAnswersOfEachRegionValidate() throws Exception {
    String[][] cases = {
      {"81.2.69.0/24", "127.0.0.12"}, {"1.0.16.0/24", "127.0.0.13"}, {"8.8.8.0/24", "127.0.0.11"}
    };
    for (String[] c : cases) {
      Message m = unbound.query("www.cdn.test.", Type.A, c[0]);
      assertValidated(m, Rcode.NOERROR);
      assertThat(
              m.getSection(Section.ANSWER).stream()
                  .filter(r -> r.getType() == Type.A)
                  .map(Record::rdataToString))
          .as("answer for " + c[0])
          .containsExactly(c[1]);
    }
  }

  @Test
  void nxdomainNodataWildcardCnameAndKeysValidate() throws Exception {
    Message nx = unbound.query("nothere.cdn.test.", Type.A, null);
    assertValidated(nx, Rcode.NOERROR); // RFC 9824: NXDOMAIN answered as NODATA
    assertThat(nx.getSection(Section.ANSWER)).isEmpty();
    assertThat(
            nx.getSection(Section.AUTHORITY).stream()
                .filter(r -> r.getType() == Type.NSEC)
                .map(r -> ((NSECRecord) r).hasType(128))
                .toList())
        .containsExactly(true);
    Message nodata = unbound.query("cdn.test.", Type.AAAA, null);
    assertValidated(nodata, Rcode.NOERROR);
    assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
    Message wild = unbound.query("anything.wild.cdn.test.", Type.A, null);
    assertValidated(wild, Rcode.NOERROR);
    assertThat(
            wild.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == Type.A)
                .map(Record::rdataToString))
        .containsExactly("192.0.2.7");
    Message cname = unbound.query("static.cdn.test.", Type.A, "81.2.69.0/24");
    assertValidated(cname, Rcode.NOERROR);
    assertThat(cname.getSection(Section.ANSWER).stream().map(Record::getType).distinct())
        .contains(Type.CNAME, Type.A);
    Message keys = unbound.query("cdn.test.", Type.DNSKEY, null);
    assertValidated(keys, Rcode.NOERROR);
  }

  @Test
  void delvReportsFullyValidated() throws Exception {
    DNSKEYRecord ksk =
        (DNSKEYRecord)
            server
                .dnssec()
                .signer()
                .rings()
                .get(Name.fromConstantString("cdn.test."))
                .keySigners()
                .get(0)
                .dnskey();
    Path anchors = dir.resolve("anchors.conf");
    Files.writeString(
        anchors,
        "trust-anchors { cdn.test. static-key "
            + ksk.getFlags()
            + " "
            + ksk.getProtocol()
            + " "
            + ksk.getAlgorithm()
            + " \""
            + java.util.Base64.getEncoder().encodeToString(ksk.getKey())
            + "\"; };\n");
    for (String[] q :
        new String[][] {
          {"www.cdn.test", "A"},
          {"nothere.cdn.test", "A"},
          {"anything.wild.cdn.test", "A"},
          {"static.cdn.test", "A"},
          {"cdn.test", "AAAA"}
        }) {
      String out =
          delv(
              "@127.0.0.1",
              "-p",
              Integer.toString(unbound.port),
              "-a",
              anchors.toString(),
              "+root=cdn.test",
              q[0],
              q[1]);
      assertThat(out).as("delv " + q[0] + " " + q[1]).contains("fully validated");
      String direct =
          delv(
              "@127.0.0.1",
              "-p",
              Integer.toString(port),
              "-a",
              anchors.toString(),
              "+root=cdn.test",
              q[0],
              q[1]);
      assertThat(direct)
          .as("delv " + q[0] + " " + q[1] + " from our server")
          .contains("fully validated");
    }
  }

  static String delv(String... args) throws Exception {
    Process p =
        new ProcessBuilder(Stream.concat(Stream.of("delv"), Stream.of(args)).toList())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void signaturesByAnotherKeyAreBogus() throws Exception {
    // the forger publishes our DNSKEY (same .key and .state files) but holds another private key
    Path forged = dir.resolve("forged-keys");
    Path other = dir.resolve("other-keys");
    Files.createDirectories(forged);
    DnsServer otherServer = server(dir, "other-keys");
    Path ours = dir.resolve("keys");
    String ourBase;
    try (Stream<Path> files = Files.list(ours)) {
      ourBase =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".key"))
              .findFirst()
              .orElseThrow();
    }
    ourBase = ourBase.substring(0, ourBase.length() - 4);
    String otherBase;
    try (Stream<Path> files = Files.list(other)) {
      otherBase =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".private"))
              .findFirst()
              .orElseThrow();
    }
    Files.copy(ours.resolve(ourBase + ".key"), forged.resolve(ourBase + ".key"));
    Files.copy(ours.resolve(ourBase + ".state"), forged.resolve(ourBase + ".state"));
    Files.copy(other.resolve(otherBase), forged.resolve(ourBase + ".private"));
    DnsServer forger = server(dir, "forged-keys");
    int forgerPort = start(forger);
    try (Unbound fooled = new Unbound(dir, "cdn.test.", forgerPort, ds(server), null)) {
      assertThat(ds(forger)).isEqualTo(ds(server)); // the same DNSKEY, so the same DS
      for (String name : new String[] {"www.cdn.test.", "nothere.cdn.test."}) {
        Message m = fooled.query(name, Type.A, "81.2.69.0/24");
        assertThat(m.getRcode()).as(name + ": " + m + fooled.log()).isEqualTo(Rcode.SERVFAIL);
      }
      // and the honest server's answers still validate through a resolver with the same anchor
      assertValidated(unbound.query("www.cdn.test.", Type.A, "81.2.69.0/24"), Rcode.NOERROR);
    }
    await(otherServer.stop());
    await(forger.stop());
  }
}
