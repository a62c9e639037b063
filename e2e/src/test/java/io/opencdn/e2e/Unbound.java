package io.opencdn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/**
 * A validating Unbound on a free loopback port (Debian package {@code unbound}; CI installs it),
 * resolving {@code zone} from our server only ({@code stub-zone}) with the given DS records as its
 * trust anchor, forwarding the client's Client Subnet (subnetcache module) so geo answers depend on
 * it as they would behind a public resolver. {@code overrideDate} makes it check signature times
 * against that instant instead of the real clock (rollover tests move an injected clock).
 */
final class Unbound implements AutoCloseable {

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private Process process;
  private final Path dir;
  int port;

  Unbound(Path parent, String zone, int serverPort, List<DSRecord> anchors, Instant overrideDate)
      throws Exception {
    this.dir = Files.createTempDirectory(parent, "unbound");
    // a port free now may be taken before unbound binds it (other tests on this machine bind
    // ports too): a start that cannot open its port is retried on another
    for (int attempt = 1; ; attempt++) {
      this.port = freePort();
      if (start(zone, serverPort, anchors, overrideDate) || attempt == 5) {
        break;
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("unbound runs: " + log()).isTrue();
      if (answers()) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("unbound does not answer: " + log());
  }

  /**
   * Writes the config for {@link #port} and starts unbound; false when it exited because it could
   * not open that port.
   */
  private boolean start(String zone, int serverPort, List<DSRecord> anchors, Instant overrideDate)
      throws Exception {
    Files.deleteIfExists(dir.resolve("unbound.out"));
    Files.deleteIfExists(dir.resolve("unbound.log"));
    List<String> lines =
        new ArrayList<>(
            List.of(
                "server:",
                "  interface: 127.0.0.1@" + port,
                "  do-not-query-localhost: no",
                "  use-syslog: no",
                "  logfile: \"" + dir.resolve("unbound.log") + "\"",
                "  username: \"\"",
                "  chroot: \"\"",
                "  directory: \"" + dir + "\"",
                "  pidfile: \"" + dir.resolve("unbound.pid") + "\"",
                "  num-threads: 1",
                "  module-config: \"subnetcache validator iterator\"",
                "  send-client-subnet: 127.0.0.1",
                "  client-subnet-always-forward: yes",
                "  local-zone: \"test.\" nodefault",
                "  qname-minimisation: no",
                "  val-log-level: 2",
                "  verbosity: 1"));
    for (DSRecord ds : anchors) {
      lines.add("  trust-anchor: \"" + ds.toString().replaceAll("\\s+", " ") + "\"");
    }
    if (overrideDate != null) {
      lines.add("  val-override-date: \"" + DATE.format(overrideDate) + "\"");
    }
    lines.addAll(
        List.of(
            "stub-zone:",
            "  name: \"" + zone + "\"",
            "  stub-addr: 127.0.0.1@" + serverPort,
            "remote-control:",
            "  control-enable: no",
            ""));
    Files.writeString(dir.resolve("unbound.conf"), String.join("\n", lines));
    process =
        new ProcessBuilder("unbound", "-d", "-c", dir.resolve("unbound.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("unbound.out").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return !log().contains("could not open ports");
      }
      if (answers()) {
        return true;
      }
      Thread.sleep(50);
    }
    return true;
  }

  private boolean answers() {
    try {
      SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
      r.setPort(port);
      r.setTimeout(Duration.ofMillis(300));
      r.send(
          Message.newQuery(
              Record.newRecord(
                  Name.fromConstantString("localhost."), org.xbill.DNS.Type.A, DClass.IN)));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The validator's log (val-log-level 2 names why an answer is bogus). */
  String log() throws IOException {
    Path out = dir.resolve("unbound.out");
    Path log = dir.resolve("unbound.log");
    return (Files.exists(out) ? Files.readString(out) : "")
        + (Files.exists(log) ? Files.readString(log) : "");
  }

  /**
   * A recursive query with DO, and a Client Subnet option when {@code ecs} ({@code 81.2.69.0/24})
   * is given.
   */
  Message query(String name, int type, String ecs) throws IOException {
    Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
    List<EDNSOption> options = new ArrayList<>();
    if (ecs != null) {
      String[] p = ecs.split("/");
      options.add(new ClientSubnetOption(Integer.parseInt(p[1]), InetAddress.getByName(p[0])));
    }
    q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO, options), Section.ADDITIONAL);
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    r.setPort(port);
    r.setTimeout(Duration.ofSeconds(10));
    return r.send(q);
  }

  /** A port free for both UDP and TCP on 127.0.0.1 now. */
  static int freePort() throws IOException {
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    while (true) {
      try (DatagramSocket s = new DatagramSocket(0, lo)) {
        int port = s.getLocalPort();
        try (java.net.ServerSocket t = new java.net.ServerSocket(port, 1, lo)) {
          return port;
        } catch (IOException tcpTaken) {
          // try another
        }
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
