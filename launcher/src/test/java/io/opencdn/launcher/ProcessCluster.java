package io.opencdn.launcher;

import io.opencdn.testing.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fixture of the tests on real processes of one cluster ({@link DistributionsProcessTest},
 * {@link StatusPageBrowserTest}): configuration files written under a directory, {@code ./cdn}
 * commands started as an operator starts them ({@link CommandProcess}), the {@code cluster:} key
 * every member's file names (one port range on 127.0.0.1 picked now), a DNS server's zone and
 * configuration. Closing it stops every process still running.
 */
final class ProcessCluster implements AutoCloseable {

  private final Path dir;
  private final String name;
  private final String secret;
  private final int heartbeatMillis;
  private final int failureTimeoutMillis;
  private final int clusterPort = Ports.free();
  private final List<CommandProcess> processes = new ArrayList<>();

  /**
   * A cluster named {@code name} with {@code secret} and these heartbeat and failure timeouts, its
   * files under {@code dir}.
   */
  ProcessCluster(
      Path dir, String name, String secret, int heartbeatMillis, int failureTimeoutMillis) {
    this.dir = dir;
    this.name = name;
    this.secret = secret;
    this.heartbeatMillis = heartbeatMillis;
    this.failureTimeoutMillis = failureTimeoutMillis;
  }

  /** The {@code cluster:} value of every member: its first port and the five after it. */
  String cluster() {
    return ("{name: %s, secret: %s, bind: \"127.0.0.1:%d\", members: [\"127.0.0.1:%d-%d\"],"
            + " heartbeatMillis: %d, failureTimeoutMillis: %d}")
        .formatted(
            name,
            secret,
            clusterPort,
            clusterPort,
            clusterPort + 5,
            heartbeatMillis,
            failureTimeoutMillis);
  }

  /**
   * Writes {@code dns/ZONE.zone} (an SOA, an NS and its address) and {@code dns/dns.yaml}: zone
   * {@code ZONE.}, the geo name {@code www.ZONE.} (TTL 20, one answer), the health checks {@code
   * health}, {@code extra} lines and the cluster. Yields the configuration's path.
   */
  Path dnsConfig(String zone, String health, String extra) throws Exception {
    write(
        "dns/" + zone + ".zone",
        """
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 604800 60
        @ IN NS ns1
        ns1 IN A 127.0.0.1
        """);
    return write(
        "dns/dns.yaml",
        """
        listen: 127.0.0.1:0
        zones: [{origin: %s., file: %s.zone}]
        routing: [{name: www.%s., ttl: 20, answers: 1}]
        health: %s
        %scluster: %s
        """
            .formatted(zone, zone, zone, health, extra, cluster()));
  }

  /** Writes {@code text} to {@code name} under the directory (parents made): its path. */
  Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  /** Starts {@code ./cdn args...}, named {@code name} in the output; stopped on close. */
  CommandProcess start(String name, String... args) throws Exception {
    CommandProcess p = CommandProcess.start(name, args);
    processes.add(p);
    return p;
  }

  /** The processes started, in order. */
  List<CommandProcess> processes() {
    return List.copyOf(processes);
  }

  /** The port in group 1 of {@code regex} once {@code p} prints it (within {@code timeout}). */
  static int port(CommandProcess p, String regex, Duration timeout) throws InterruptedException {
    return Integer.parseInt(p.await(Pattern.compile(regex), timeout).group(1));
  }

  @Override
  public void close() throws InterruptedException {
    for (CommandProcess p : processes) {
      if (p.isAlive()) {
        p.stop();
      }
    }
  }
}
