package io.opencdn.e2e;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Differential test against Knot DNS: knotd and our server load the same master file and get the
 * same queries; rcode, the QR, AA, TC, RD, RA and AD flags, the answer, authority and additional
 * sections (records compared as zone-file text, order ignored) and the presence of OPT and its DO
 * bit must be the same. CD is copied from the query by us (RFC 4035 3.1.6), not by knotd. Needs
 * {@code knotd} on the PATH (Debian package {@code knot}; CI installs it).
 */
class KnotDifferentialTest {

  static Path dir;
  static Process knot;
  static int knotPort;
  static Vertx vertx;
  static int ourPort;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("knot-diff");
    Path zone = dir.resolve("diff.test.zone");
    try (InputStream in = KnotDifferentialTest.class.getResourceAsStream("/knot/diff.test.zone")) {
      Files.copy(in, zone);
    }
    knotPort = freePort();
    Files.writeString(
        dir.resolve("knot.conf"),
        String.join(
            "\n",
            "server:",
            "    listen: 127.0.0.1@" + knotPort,
            "    rundir: " + dir,
            "database:",
            "    storage: " + dir,
            "log:",
            "  - target: stderr",
            "    any: warning",
            "zone:",
            "  - domain: diff.test.",
            "    file: " + zone,
            "    storage: " + dir,
            "    zonefile-sync: -1",
            "    journal-content: none",
            ""));
    knot =
        new ProcessBuilder("knotd", "-c", dir.resolve("knot.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("knotd.log").toFile())
            .start();

    vertx = Vertx.vertx();
    DnsConfig cfg =
        ConfigLoader.parse(
            "listen: 127.0.0.1:0\nzones: [{origin: diff.test., file: " + zone + "}]\n",
            "diff.yaml",
            DnsConfig.class);
    ourPort =
        await(
            new DnsServer(vertx, cfg, dir.resolve("diff.yaml").toString(), null, Clock.systemUTC())
                .start(),
            Duration.ofSeconds(60));

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline && !answers(knotPort)) {
      assertThat(knot.isAlive())
          .as("knotd runs: " + Files.readString(dir.resolve("knotd.log")))
          .isTrue();
      Thread.sleep(100);
    }
    assertThat(answers(knotPort))
        .as("knotd answers: " + Files.readString(dir.resolve("knotd.log")))
        .isTrue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (knot != null) {
      knot.destroy();
      knot.waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  static Stream<Arguments> queries() {
    List<Arguments> list = new ArrayList<>();
    String[][] table = {
      {"diff.test.", "SOA"},
      {"diff.test.", "NS"},
      {"diff.test.", "MX"},
      {"diff.test.", "TXT"},
      {"diff.test.", "A"},
      {"www.diff.test.", "A"},
      {"www.diff.test.", "AAAA"},
      {"www.diff.test.", "TXT"},
      {"WwW.DiFf.TeSt.", "A"},
      {"alias.diff.test.", "A"},
      {"alias.diff.test.", "CNAME"},
      {"chain1.diff.test.", "A"},
      {"outside.diff.test.", "A"},
      {"foo.wild.diff.test.", "A"},
      {"foo.wild.diff.test.", "TXT"},
      {"foo.wild.diff.test.", "MX"},
      {"x.y.wild.diff.test.", "A"},
      {"exact.wild.diff.test.", "A"},
      {"exact.wild.diff.test.", "TXT"},
      {"b.ent.diff.test.", "A"},
      {"ent.diff.test.", "A"},
      {"nothere.diff.test.", "A"},
      {"deep.nothere.diff.test.", "AAAA"},
      {"mail.diff.test.", "MX"},
      {"ns2.diff.test.", "AAAA"},
      {"sub.diff.test.", "A"},
      {"host.sub.diff.test.", "A"},
      {"example.org.", "A"},
      {"big.diff.test.", "TXT"},
    };
    for (String[] q : table) {
      list.add(Arguments.of(q[0], q[1], false, true));
      list.add(Arguments.of(q[0], q[1], true, true));
    }
    list.add(Arguments.of("big.diff.test.", "TXT", false, false));
    list.add(Arguments.of("www.diff.test.", "A", false, false));
    return list.stream();
  }

  @ParameterizedTest(name = "{0} {1} tcp={2} edns={3}")
  @MethodSource("queries")
  void sameAnswerAsKnot(String name, String type, boolean tcp, boolean edns) throws Exception {
    Message theirs = ask(knotPort, name, type, tcp, edns);
    Message ours = ask(ourPort, name, type, tcp, edns);
    assertThat(Rcode.string(ours.getRcode()))
        .as("rcode")
        .isEqualTo(Rcode.string(theirs.getRcode()));
    assertThat(ours.getHeader().getFlag(Flags.AA))
        .as("AA")
        .isEqualTo(theirs.getHeader().getFlag(Flags.AA));
    assertThat(ours.getHeader().getFlag(Flags.TC))
        .as("TC")
        .isEqualTo(theirs.getHeader().getFlag(Flags.TC));
    if (!theirs.getHeader().getFlag(Flags.TC)) {
      assertThat(text(ours, Section.ANSWER))
          .as("answer")
          .containsExactlyInAnyOrderElementsOf(text(theirs, Section.ANSWER));
      assertThat(text(ours, Section.AUTHORITY))
          .as("authority")
          .containsExactlyInAnyOrderElementsOf(text(theirs, Section.AUTHORITY));
    }
    assertThat(ours.getOPT() != null).as("OPT present").isEqualTo(theirs.getOPT() != null);
    // CD: we copy it from the query as RFC 4035 3.1.6 says (about a third of the queries set it);
    // knotd 3.2 answers these unsigned zones with CD clear
    assertThat(ours.getHeader().getFlag(Flags.CD)).as("CD copied").isEqualTo(cd(name, type));
    for (int f : new int[] {Flags.RD, Flags.RA, Flags.AD, Flags.QR}) {
      assertThat(ours.getHeader().getFlag(f))
          .as("flag " + Flags.string(f))
          .isEqualTo(theirs.getHeader().getFlag(f));
    }
    if (!theirs.getHeader().getFlag(Flags.TC)) {
      assertThat(text(ours, Section.ADDITIONAL).stream().filter(s -> !s.contains("OPT")).toList())
          .as("additional")
          .containsExactlyInAnyOrderElementsOf(
              text(theirs, Section.ADDITIONAL).stream().filter(s -> !s.contains("OPT")).toList());
    }
    if (theirs.getOPT() != null) {
      // half the EDNS queries ask with DO, which both must copy into the response (RFC 3225 3)
      assertThat(ours.getOPT().getFlags() & ExtendedFlags.DO)
          .as("DO")
          .isEqualTo(theirs.getOPT().getFlags() & ExtendedFlags.DO);
    }
  }

  static List<String> text(Message m, int section) {
    return m.getSection(section).stream().map(Record::toString).toList();
  }

  static Message ask(int port, String name, String type, boolean tcp, boolean edns)
      throws Exception {
    SimpleResolver r = new SimpleResolver(InetAddress.getByName("127.0.0.1"));
    r.setPort(port);
    r.setTCP(tcp);
    r.setIgnoreTruncation(true);
    r.setTimeout(Duration.ofSeconds(2));
    if (edns) {
      r.setEDNS(
          0,
          1232,
          Math.floorMod((name + type).hashCode(), 2) == 0 ? ExtendedFlags.DO : 0,
          List.of());
    } else {
      r.setEDNS(-1);
    }
    Message q =
        Message.newQuery(Record.newRecord(Name.fromString(name), Type.value(type), DClass.IN));
    q.getHeader().unsetFlag(Flags.RD);
    if (cd(name, type)) {
      q.getHeader().setFlag(Flags.CD);
      q.getHeader().setFlag(Flags.RD);
    }
    return r.send(q);
  }

  /** Whether the query for {@code name} and {@code type} sets CD (and RD). */
  static boolean cd(String name, String type) {
    return Math.floorMod((name + type).hashCode(), 3) == 0;
  }

  static boolean answers(int port) {
    try {
      return ask(port, "diff.test.", "SOA", false, true).getRcode() == Rcode.NOERROR;
    } catch (Exception e) {
      return false;
    }
  }

  static int freePort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
