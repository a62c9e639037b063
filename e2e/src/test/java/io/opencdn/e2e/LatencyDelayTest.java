package io.opencdn.e2e;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterMaps;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.cluster.LatencyKey;
import io.opencdn.common.cluster.LatencySample;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.EdgeConfig;
import io.opencdn.edge.config.LatencyConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Latency routing with real delays (issue 4, "Latency"; issue 17): a network namespace {@value #NS}
 * joined to the host by a veth pair; the host side has 10.213.0.1 and 10.213.0.2, the namespace
 * 10.213.0.100, and every packet the namespace sends to 10.213.0.2 is held {@value #DELAY_MS} ms by
 * a userspace delayer on a netfilter queue ({@link DelayedNamespace}: iptables NFQUEUE and
 * libnetfilter_queue, since the kernels this runs on have no netem qdisc). Two in-process edges
 * probe the client with TCP connects to port 53 (nothing listens: the namespace's kernel answers
 * RST, one round trip), from source 10.213.0.1 (Tokyo, far, fast) and 10.213.0.2 (Frankfurt, near,
 * slow). A DNS server in the same JVM (one Hazelcast member on 127.0.0.1) locates 10.213.0.100 in
 * London (default location; {@code probeTargets.allowPrivate} lets it publish this private client
 * network for probing) and must answer the near edge before measurements exist and the far, fast
 * edge once they do.
 *
 * <p>The delay is checked to be real: a TCP connect from the slow source takes at least {@value
 * #DELAY_MS} ms, from the fast one less than half of it, the slow edge publishes an RTT of at least
 * {@value #DELAY_MS} ms, and the delayer reports the packets it held.
 *
 * <p>Part of the default e2e run. Needs root, iproute2, iptables, gcc and libnetfilter-queue-dev
 * (installed by {@code .ci/run}) and the kernel's nfnetlink_queue. Traffic goes only to the
 * namespace it creates and to loopback; the namespace, its iptables rule, the veth pair, the
 * addresses and the delayer process are removed at the end, also on failure.
 */
class LatencyDelayTest {

  /** How long a start or stop may take here (a cluster forming on a loaded machine). */
  static final Duration SLOW = Duration.ofSeconds(30);

  static final String NS = "cdn-lat-e2e";
  static final String HOST_IF = "cdnlat-h";
  static final String NS_IF = "cdnlat-c";
  static final String CLIENT = "10.213.0.100";
  static final String FAST_SOURCE = "10.213.0.1";
  static final String SLOW_SOURCE = "10.213.0.2";
  static final int DELAY_MS = 80;

  @Test
  void theClientGoesToTheFasterEdgeEvenWhenItIsFarther() throws Exception {
    long held;
    try (DelayedNamespace net =
        DelayedNamespace.create(
            NS, HOST_IF, NS_IF, CLIENT, List.of(FAST_SOURCE, SLOW_SOURCE), SLOW_SOURCE, DELAY_MS)) {
      double slowRtt = connectRttMillis(SLOW_SOURCE);
      double fastRtt = connectRttMillis(FAST_SOURCE);
      System.out.printf(
          "LatencyDelayTest: TCP connect RTT to %s from %s %.2f ms, from %s %.2f ms%n",
          CLIENT, SLOW_SOURCE, slowRtt, FAST_SOURCE, fastRtt);
      assertThat(slowRtt).as("connect RTT through the delayer").isGreaterThanOrEqualTo(DELAY_MS);
      assertThat(fastRtt).as("connect RTT without the delayer").isLessThan(DELAY_MS / 2.0);
      runScenario();
      net.close();
      held = net.delayedPackets();
    }
    System.out.printf("LatencyDelayTest: the delayer held %d packets%n", held);
    assertThat(held).as("packets the delayer held and accepted").isPositive();
    assertThat(DelayedNamespace.exists(NS)).as("namespace removed").isFalse();
    assertThat(DelayedNamespace.sh(false, "ip", "link", "show", HOST_IF))
        .as("veth removed")
        .isBlank();
  }

  /**
   * The smallest of five TCP connect times from {@code source} to the client's port 53 (answered by
   * RST: one round trip), in ms.
   */
  private static double connectRttMillis(String source) throws IOException {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        long start = System.nanoTime();
        try {
          s.connect(new InetSocketAddress(InetAddress.getByName(CLIENT), 53), 2000);
          throw new IllegalStateException(
              "something listens on " + CLIENT + ":53 in the test namespace");
        } catch (ConnectException refused) {
          best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
      }
    }
    return best;
  }

  private void runScenario() throws Exception {
    int hzPort = ThreadLocalRandom.current().nextInt(20000, 40000);
    ClusterConfig cluster =
        new ClusterConfig(
            "latency-e2e",
            AdminToken.random(),
            new Endpoint("127.0.0.1", hzPort),
            List.of("127.0.0.1:" + hzPort),
            1000,
            5000);
    HazelcastInstance hz = ClusterNode.start(cluster, "latency-e2e-" + hzPort, false);
    Vertx vertx = Vertx.vertx();
    List<EdgeNode> edges = new ArrayList<>();
    DnsServer dns = null;
    try {
      edges.add(
          new EdgeNode(
              vertx,
              edge("tokyo", 35.68, 139.69, "127.0.0.21", FAST_SOURCE, cluster),
              hz,
              Clock.systemUTC()));
      edges.add(
          new EdgeNode(
              vertx,
              edge("frankfurt", 50.11, 8.68, "127.0.0.22", SLOW_SOURCE, cluster),
              hz,
              Clock.systemUTC()));
      for (EdgeNode e : edges) {
        await(e.start(), SLOW);
      }
      DnsConfig config =
          ConfigLoader.parse(
                  """
          listen: 127.0.0.1:0
          zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
          geo: {defaultLocation: {latitude: 51.5, longitude: -0.12, country: GB, continent: EU}}
          routing: [{name: www.cdn.test., ttl: 20}]
          rrl: {enabled: false}
          probeTargets: {allowPrivate: true}
          """,
                  "latency-e2e.yaml",
                  DnsConfig.class)
              .withCluster(cluster);
      dns = new DnsServer(vertx, config, "classpath:latency-e2e.yaml", hz, Clock.systemUTC());
      int port = await(dns.start(), SLOW);

      // before any measurement: the nearest edge (Frankfurt is ~640 km from London, Tokyo ~9600 km)
      assertThat(eventually(10_000, () -> "127.0.0.22".equals(ask(port))))
          .as("nearest edge answered first")
          .isTrue();

      // the query published the client as a probe target; both edges measure it
      String prefix = "10.213.0.0/24";
      var latency = hz.<LatencyKey, LatencySample>getMap(ClusterMaps.LATENCY);
      LatencyKey tokyo = new LatencyKey(prefix, "tokyo");
      LatencyKey frankfurt = new LatencyKey(prefix, "frankfurt");
      assertThat(
              eventually(
                  20_000, () -> latency.containsKey(tokyo) && latency.containsKey(frankfurt)))
          .as("both edges published an RTT for " + prefix)
          .isTrue();
      LatencySample slow = latency.get(frankfurt);
      LatencySample fast = latency.get(tokyo);
      System.out.printf(
          "LatencyDelayTest: published RTT of %s: frankfurt %.2f ms, tokyo %.2f ms%n",
          prefix, slow.rttMillis(), fast.rttMillis());
      assertThat(slow.rttMillis())
          .as("RTT published by the slow edge")
          .isGreaterThanOrEqualTo(DELAY_MS);
      assertThat(fast.rttMillis()).as("RTT published by the fast edge").isLessThan(DELAY_MS / 2.0);

      // now the faster, farther edge
      assertThat(eventually(10_000, () -> "127.0.0.21".equals(ask(port))))
          .as("fastest edge answered")
          .isTrue();
    } finally {
      if (dns != null) {
        await(dns.stop(), SLOW);
      }
      for (EdgeNode e : edges) {
        await(e.stop(), SLOW);
      }
      await(vertx.close(), SLOW);
      hz.shutdown();
    }
  }

  private static EdgeConfig edge(
      String id,
      double lat,
      double lon,
      String listenHost,
      String probeSource,
      ClusterConfig cluster) {
    EdgeConfig parsed =
        ConfigLoader.parse(
            """
        id: %s
        latitude: %s
        longitude: %s
        listen: %s:0
        adminToken: e2e-latency-admin-token
        distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9"}]
        """
                .formatted(id, lat, lon, listenHost),
            id + ".yaml",
            EdgeConfig.class);
    return parsed.toBuilder()
        .cluster(cluster)
        .latency(new LatencyConfig(true, 200, 10, 53, 1000, probeSource))
        .build();
  }

  /**
   * The first A record answering {@code www.cdn.test} for the client 10.213.0.100/32 (ECS), or
   * null.
   */
  static String ask(int port) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      Message q =
          Message.newQuery(Record.newRecord(Name.fromString("www.cdn.test."), Type.A, DClass.IN));
      q.addRecord(
          new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(32, InetAddress.getByName(CLIENT))),
          Section.ADDITIONAL);
      byte[] wire = q.toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      Message r = new Message(java.util.Arrays.copyOf(buf, in.getLength()));
      return r.getSection(Section.ANSWER).stream()
          .filter(a -> a instanceof ARecord)
          .map(a -> ((ARecord) a).getAddress().getHostAddress())
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  static boolean eventually(long millis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return condition.getAsBoolean();
  }
}
