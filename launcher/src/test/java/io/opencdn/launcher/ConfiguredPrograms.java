package io.opencdn.launcher;

import io.opencdn.testing.SelfSigned;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The fixture of {@link ConfiguredProgramsTest}: an origin, a DNS server and an edge started as
 * {@code ./cdn origin|dns|edge --config FILE} in their own JVMs, from configuration files that set
 * every documented key to a value other than its default. Everything listens on loopback, on ports
 * the programs pick (port 0) except the Hazelcast cluster, whose members find each other from a
 * free base port. Also two listeners of the test: the TCP port the edge's latency probes connect
 * to, and the port the DNS server health-checks its static edge on.
 */
final class ConfiguredPrograms {

  static final String EDGE_TOKEN = "edge-keys-token-0123456789";
  static final String DNS_TOKEN = "dns-keys-token-0123456789";
  static final String ORIGIN_TOKEN = "origin-keys-token-0123456789";
  static final String SECRET = "keys-cluster-secret-0123456789";

  /** The edge's probes leave from this address (latency.sourceAddress). */
  static final String PROBE_SOURCE = "127.0.0.2";

  /** The static edge of the DNS config. */
  static final String STATIC_EDGE = "127.0.0.3";

  final Path dir;
  final int clusterPort;
  final SelfSigned.Pem www;
  final SelfSigned.Pem other;
  final ServerSocket probeTarget;
  final ServerSocket staticHealth;
  final List<InetAddress> probedFrom = new CopyOnWriteArrayList<>();
  CommandProcess origin;
  CommandProcess dns;
  CommandProcess edge;
  int originPort;
  int dnsPort;
  int dnsAdminPort;
  int edgePort;
  int edgeTlsPort;
  int edgeAdminPort;

  ConfiguredPrograms(Path dir) throws Exception {
    this.dir = dir;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      clusterPort = s.getLocalPort();
    }
    www = TestCertificates.selfSigned(Files.createDirectories(dir.resolve("tls")), "www.keys.test");
    other = TestCertificates.selfSigned(dir.resolve("tls"), "other.keys.test");
    probeTarget = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    staticHealth = new ServerSocket(0, 50, InetAddress.getByName(STATIC_EDGE));
    accept(probeTarget, probedFrom);
    accept(staticHealth, new CopyOnWriteArrayList<>());

    try {
      origin = CommandProcess.start("origin", "origin", "--config", writeOrigin().toString());
      dns = CommandProcess.start("dns", "dns", "--config", writeDns().toString());
      originPort = port(origin, "origin listening on http://127\\.0\\.0\\.1:(\\d+)");
      // one cluster member at a time: two starting together on a busy machine may give up joining
      // (issue 25)
      dnsPort = port(dns, "dns listening on 127\\.0\\.0\\.1:(\\d+) udp\\+tcp");
      dnsAdminPort = port(dns, "dns admin on http://127\\.0\\.0\\.1:(\\d+)");
      edge = CommandProcess.start("edge", "edge", "--config", writeEdge().toString());
      edgePort = port(edge, "edge keys-edge listening on http://127\\.0\\.0\\.1:(\\d+)");
      // logged before the line above, once the HTTPS listener is up
      edgeTlsPort =
          Integer.parseInt(
              edge.await(
                      Pattern.compile(
                          "edge keys-edge listening on https://127\\.0\\.0\\.1:(\\d+) \\(http2 false\\)"),
                      Duration.ofSeconds(1))
                  .group(1));
      edgeAdminPort =
          Integer.parseInt(
              edge.await(
                      Pattern.compile(
                          "edge keys-edge admin endpoints on http://127\\.0\\.0\\.1:(\\d+)/_cdn/"),
                      Duration.ofSeconds(1))
                  .group(1));
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  /** The cluster section shared by the DNS server, the edge and the test's observer. */
  String cluster() {
    return "{name: keys-test, secret: %s, bind: \"127.0.0.1:%d\", members: [\"127.0.0.1:%d-%d\"], heartbeatMillis: 2000, failureTimeoutMillis: 8000}"
        .formatted(SECRET, clusterPort, clusterPort, clusterPort + 5);
  }

  private Path writeOrigin() throws IOException {
    Path d = Files.createDirectories(dir.resolve("origin"));
    Files.createDirectories(d.resolve("site"));
    Files.writeString(d.resolve("site/index.html"), "<p>keys test site</p>\n");
    // root is relative to the config file
    return write(
        d.resolve("origin.yaml"),
        """
        listen: 127.0.0.1:0
        root: site
        adminToken: %s
        fileCacheControl: max-age=600, public
        """
            .formatted(ORIGIN_TOKEN));
  }

  /** The coverage zones file; {@code oneDotOne} says where clients of 127.1.0.0/16 are. */
  void writeCoverage(String oneDotOne) throws IOException {
    write(
        dir.resolve("dns/coverage.txt"),
        """
        127.1.0.0/16  %s
        127.2.0.0/16  35.7,139.7
        127.3.0.0/16  35.7,139.7 country=JP continent=AS
        127.4.0.0/16  group=far 48.9,2.4
        127.5.0.0/16  group=keys-region 35.7,139.7
        """
            .formatted(oneDotOne));
  }

  private Path writeDns() throws IOException {
    Path d = Files.createDirectories(dir.resolve("dns"));
    write(
        d.resolve("keys.test.zone"),
        """
        $TTL 300
        @ IN SOA ns1 hostmaster 1 3600 600 604800 60
        @ IN NS ns1
        ns1 IN A 127.0.0.1
        """);
    writeCoverage("48.9,2.4");
    // geo.keys.test: distance routing; www.keys.test: the default chain, whose latency policy
    // puts the edge first once it has measured the client's network
    return write(
        d.resolve("dns.yaml"),
        """
        listen: 127.0.0.1:0
        zones: [{origin: keys.test., file: keys.test.zone}]
        geo:
          coverage: coverage.txt
          coverageReloadSeconds: 1
          defaultLocation: {latitude: 35.0, longitude: 139.0, country: KR, continent: AS}
        routing:
          - name: geo.keys.test.
            ttl: 7
            answers: 2
            policies:
              - {name: health, panicShare: 0.9}
              - {name: geofence, denyCountries: [JP]}
              - {name: distance, bucketKm: 10}
              - {name: spill, width: 1, threshold: 2.0}
          - name: www.keys.test.
            answers: 2
            policies: [health, distance, {name: latency, maxAgeSeconds: 60, toleranceMillis: 1}]
        health: {intervalMillis: 200, timeoutMillis: 150, fall: 1, rise: 1}
        cluster: %s
        edges:
          - {id: static-far, region: far, latitude: 35.68, longitude: 139.69, ipv4: %s, capacity: 500, load: 1,
             state: ACTIVE, healthPort: %d}
        rrl: {enabled: true, responsesPerSecond: 5, slip: 1, window: 2, ipv4Prefix: 32, ipv6Prefix: 48}
        admin: {listen: "127.0.0.1:0", token: %s}
        threads: 3
        tcp: {maxConnections: 90, maxConnectionsPerClient: 30, idleSeconds: 9, writeQueueBytes: 70000}
        probeTargets: {allowPrivate: true}   # the test's clients are on loopback
        """
            .formatted(cluster(), STATIC_EDGE, staticHealth.getLocalPort(), DNS_TOKEN));
  }

  private Path writeEdge() throws IOException {
    Path d = Files.createDirectories(dir.resolve("edge"));
    String origin = "http://127.0.0.1:" + originPort;
    return write(
        d.resolve("edge.yaml"),
        """
        id: keys-edge
        region: keys-region
        latitude: 48.85
        longitude: 2.35
        listen: 127.0.0.1:0
        advertise: {ipv4: 127.0.0.1, ipv6: "::1"}
        capacity: 777
        adminToken: %s
        cache:
          memoryBytes: 3000000
          maxObjectBytes: 100000
          staleWhileRevalidateSeconds: 600
          staleIfErrorSeconds: 0
          heuristicMaxSeconds: 1
          diskPath: "%s"
          diskBytes: 50000000
          diskMaxObjectBytes: 300000
        tls:
          listen: 127.0.0.1:0
          certificates:
            - {cert: "%s", key: "%s"}
            - {cert: "%s", key: "%s"}
          http2: false
        origin: {connectTimeoutMillis: 700, timeoutMillis: 1500}
        distributions:
          - {host: www.keys.test, origin: "%s"}
          - {host: other.keys.test, origin: "%s"}
        cluster: %s
        clusterFill: {peerScope: any, peerTimeoutMillis: 700, leaseMaxAgeMillis: 2000, leaseAttempts: 2}
        latency: {enabled: true, intervalMillis: 200, maxTargets: 50, port: %d, timeoutMillis: 300, sourceAddress: %s}
        admin: {listen: "127.0.0.1:0"}
        """
            .formatted(
                EDGE_TOKEN,
                d.resolve("disk"),
                www.cert(),
                www.key(),
                other.cert(),
                other.key(),
                origin,
                origin,
                cluster(),
                probeTarget.getLocalPort(),
                PROBE_SOURCE));
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text);
    return file;
  }

  private static int port(CommandProcess p, String regex) throws InterruptedException {
    return Integer.parseInt(p.await(Pattern.compile(regex), Duration.ofSeconds(120)).group(1));
  }

  /** Accepts connections on {@code socket} in the background, noting where each came from. */
  private static void accept(ServerSocket socket, List<InetAddress> from) {
    Thread t =
        new Thread(
            () -> {
              while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                  from.add(((InetSocketAddress) s.getRemoteSocketAddress()).getAddress());
                } catch (IOException e) {
                  // closed, or the prober's reset
                }
              }
            },
            "accept-" + socket.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  /** Stops the programs (SIGTERM) and the listeners. */
  void close() throws Exception {
    for (CommandProcess p : new CommandProcess[] {edge, dns, origin}) {
      if (p != null && p.isAlive()) {
        p.stop();
      }
    }
    probeTarget.close();
    staticHealth.close();
  }
}
