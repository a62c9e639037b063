package io.opencdn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.ClusterNode;
import io.opencdn.common.config.AdminToken;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsConfig;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.cluster.HazelcastLatency;
import io.opencdn.dns.routing.LatencyTable;
import io.opencdn.edge.EdgeConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.latency.LatencyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
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
 * Latency routing with real delays (issue 4, "Latency"): a network namespace {@value #NS} joined
 * to the host by a veth pair; the host side has 10.213.0.1 and 10.213.0.2, the namespace
 * 10.213.0.100, and in the namespace a prio qdisc whose band 3 (selected by a u32 filter on
 * destination 10.213.0.2) is a netem delay of 80 ms. Two in-process edges probe the client with
 * TCP connects to port 53 (nothing listens: the namespace's kernel answers RST, one round trip),
 * from source 10.213.0.1 (Tokyo, far, fast) and 10.213.0.2 (Frankfurt, near, slow: 80 ms).
 * A DNS server in the same JVM (one Hazelcast member on 127.0.0.1) locates 10.213.0.100 in London
 * (default location) and must answer the near edge before measurements exist and the far, fast
 * edge once they do.
 *
 * <p>Needs root, iproute2 and the kernel's prio, u32 and netem (CONFIG_NET_SCH_NETEM). Traffic
 * goes only to the namespace it creates and to loopback; the namespace, the veth pair and the
 * addresses are removed at the end, also on failure.
 */
@Tag("netem")
class LatencyNetemTest {

  static final String NS = "cdn-lat-e2e";
  static final String HOST_IF = "cdnlat-h";
  static final String NS_IF = "cdnlat-c";
  static final String CLIENT = "10.213.0.100";
  static final String FAST_SOURCE = "10.213.0.1";
  static final String SLOW_SOURCE = "10.213.0.2";
  static final int DELAY_MS = 80;

  @Test
  void theClientGoesToTheFasterEdgeEvenWhenItIsFarther() throws Exception {
    cleanUp();
    try {
      createNamespaceWithDelay();
      runScenario();
    } finally {
      cleanUp();
    }
    assertThat(sh(false, "ip", "netns", "list")).doesNotContain(NS);
  }

  private static void createNamespaceWithDelay() throws Exception {
    sh(true, "ip", "netns", "add", NS);
    sh(true, "ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", NS_IF);
    sh(true, "ip", "link", "set", NS_IF, "netns", NS);
    sh(true, "ip", "addr", "add", FAST_SOURCE + "/24", "dev", HOST_IF);
    sh(true, "ip", "addr", "add", SLOW_SOURCE + "/24", "dev", HOST_IF);
    sh(true, "ip", "link", "set", HOST_IF, "up");
    sh(true, "ip", "-n", NS, "addr", "add", CLIENT + "/24", "dev", NS_IF);
    sh(true, "ip", "-n", NS, "link", "set", NS_IF, "up");
    sh(true, "ip", "-n", NS, "link", "set", "lo", "up");
    sh(true, "ip", "netns", "exec", NS, "tc", "qdisc", "add", "dev", NS_IF, "root", "handle", "1:", "prio");
    sh(true, "ip", "netns", "exec", NS, "tc", "qdisc", "add", "dev", NS_IF, "parent", "1:3", "handle", "30:",
        "netem", "delay", DELAY_MS + "ms");
    sh(true, "ip", "netns", "exec", NS, "tc", "filter", "add", "dev", NS_IF, "parent", "1:0", "protocol", "ip",
        "prio", "1", "u32", "match", "ip", "dst", SLOW_SOURCE + "/32", "flowid", "1:3");
  }

  /** Removes what this test creates (deleting the namespace deletes the veth pair and its addresses). */
  private static void cleanUp() throws Exception {
    if (sh(false, "ip", "netns", "list").contains(NS)) {
      sh(false, "ip", "netns", "del", NS);
    }
    if (!sh(false, "ip", "link", "show", HOST_IF).isBlank()) {
      sh(false, "ip", "link", "del", HOST_IF);
    }
  }

  private void runScenario() throws Exception {
    int hzPort = ThreadLocalRandom.current().nextInt(20000, 40000);
    ClusterConfig cluster = new ClusterConfig("latency-e2e", AdminToken.random(), new Endpoint("127.0.0.1", hzPort),
        List.of("127.0.0.1:" + hzPort), 1000, 5000);
    HazelcastInstance hz = ClusterNode.start(cluster, "latency-e2e-" + hzPort, false);
    Vertx vertx = Vertx.vertx();
    List<EdgeNode> edges = new ArrayList<>();
    DnsServer dns = null;
    try {
      edges.add(new EdgeNode(vertx, edge("tokyo", 35.68, 139.69, "127.0.0.21", FAST_SOURCE, cluster), hz, Clock.systemUTC()));
      edges.add(new EdgeNode(vertx, edge("frankfurt", 50.11, 8.68, "127.0.0.22", SLOW_SOURCE, cluster), hz, Clock.systemUTC()));
      for (EdgeNode e : edges) {
        await(e.start());
      }
      DnsConfig config = ConfigLoader.parse("""
          listen: 127.0.0.1:0
          zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
          geo: {defaultLocation: {latitude: 51.5, longitude: -0.12, country: GB, continent: EU}}
          routing: [{name: www.cdn.test., ttl: 20}]
          rrl: {enabled: false}
          """, "latency-e2e.yaml", DnsConfig.class).withCluster(cluster);
      dns = new DnsServer(vertx, config, "classpath:latency-e2e.yaml", hz, Clock.systemUTC());
      int port = await(dns.start());

      // before any measurement: the nearest edge (Frankfurt is ~640 km from London, Tokyo ~9600 km)
      assertThat(eventually(10_000, () -> "127.0.0.22".equals(ask(port)))).as("nearest edge answered first").isTrue();

      // the query published the client as a probe target; both edges measure it
      String prefix = "10.213.0.0/24";
      var latency = hz.<String, Object>getMap(HazelcastLatency.MAP);
      assertThat(eventually(20_000, () -> latency.containsKey(prefix + "|tokyo") && latency.containsKey(prefix + "|frankfurt")))
          .as("both edges published an RTT for " + prefix).isTrue();
      LatencyTable.Sample slow = HazelcastLatency.parse(latency.get(prefix + "|frankfurt"));
      LatencyTable.Sample fast = HazelcastLatency.parse(latency.get(prefix + "|tokyo"));
      assertThat(slow.rttMillis()).isGreaterThanOrEqualTo(DELAY_MS * 0.9);
      assertThat(fast.rttMillis()).isLessThan(DELAY_MS / 2.0);

      // now the faster, farther edge
      assertThat(eventually(10_000, () -> "127.0.0.21".equals(ask(port)))).as("fastest edge answered").isTrue();
    } finally {
      if (dns != null) {
        await(dns.stop());
      }
      for (EdgeNode e : edges) {
        await(e.stop());
      }
      await(vertx.close());
      hz.shutdown();
    }
  }

  private static EdgeConfig edge(String id, double lat, double lon, String listenHost, String probeSource, ClusterConfig cluster) {
    EdgeConfig parsed = ConfigLoader.parse("""
        id: %s
        latitude: %s
        longitude: %s
        listen: %s:0
        adminToken: e2e-latency-admin-token
        distributions: [{host: www.cdn.test, origin: "http://127.0.0.1:9"}]
        """.formatted(id, lat, lon, listenHost), id + ".yaml", EdgeConfig.class);
    EdgeConfig c = parsed;
    return new EdgeConfig(c.id(), c.region(), c.latitude(), c.longitude(), c.listen(), c.advertise(), c.capacity(), c.adminToken(),
        c.cache(), c.origin(), c.distributions(), cluster, c.clusterFill(), c.tls(),
        new LatencyConfig(true, 200, 10, 53, 1000, probeSource));
  }

  /** The first A record answering {@code www.cdn.test} for the client 10.213.0.100/32 (ECS), or null. */
  static String ask(int port) {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      Message q = Message.newQuery(Record.newRecord(Name.fromString("www.cdn.test."), Type.A, DClass.IN));
      q.addRecord(new OPTRecord(1232, 0, 0, 0, new ClientSubnetOption(32, InetAddress.getByName(CLIENT))), Section.ADDITIONAL);
      byte[] wire = q.toWire();
      socket.send(new DatagramPacket(wire, wire.length, InetAddress.getLoopbackAddress(), port));
      byte[] buf = new byte[2048];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      Message r = new Message(java.util.Arrays.copyOf(buf, in.getLength()));
      return r.getSection(Section.ANSWER).stream().filter(a -> a instanceof ARecord)
          .map(a -> ((ARecord) a).getAddress().getHostAddress()).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs a command; with {@code check} a non-zero exit fails the test with its output. */
  static String sh(boolean check, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", cmd) + ": timed out");
    }
    if (check && p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim()
          + (java.util.Arrays.asList(cmd).contains("tc") ? " (this test needs the kernel qdiscs prio and netem and the u32 classifier: CONFIG_NET_SCH_PRIO, CONFIG_NET_SCH_NETEM, CONFIG_NET_CLS_U32)" : ""));
    }
    return p.exitValue() == 0 ? out : "";
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

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
