package io.opencdn.e2e;

import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.opencdn.common.cluster.ClusterConfig;
import io.opencdn.common.cluster.TestCluster;
import io.opencdn.common.config.ConfigLoader;
import io.opencdn.common.config.Endpoint;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.edge.EdgeNode;
import io.opencdn.edge.config.AccessLogConfig;
import io.opencdn.edge.config.DistributionConfig;
import io.opencdn.edge.config.EdgeConfig;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The monitoring files (monitoring/): the alert rules pass {@code promtool check rules} and their
 * unit tests ({@code promtool test rules}), the Prometheus config of the compose profile passes
 * {@code promtool check config}, and every edge and DNS metric the rules and the Grafana dashboard
 * name is one a running edge (in a cluster, access log on) and DNS server (decision log on) export.
 * Needs {@code promtool} on the PATH (Debian package {@code prometheus}, installed by .ci/run):
 * without it the test fails.
 */
class MonitoringRulesTest {

  static final Path ROOT =
      new File(System.getProperty("cdn.repo.root", "..")).toPath().toAbsolutePath().normalize();
  static final Path PROMETHEUS = ROOT.resolve("monitoring/prometheus");

  @TempDir Path dir;

  static String promtool(Path workDir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      throw new AssertionError(
          "promtool is needed (Debian package prometheus): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
    return out;
  }

  @Test
  void rulesPassPromtoolAndTheirUnitTests() throws Exception {
    assertThat(promtool(PROMETHEUS, "check", "rules", "alerts.yml"))
        .contains("SUCCESS: 13 rules found");
    assertThat(promtool(PROMETHEUS, "test", "rules", "alerts.test.yml")).contains("SUCCESS");
    // the credentials file is written by the monitoring image at start: checked for syntax here
    assertThat(promtool(PROMETHEUS, "check", "config", "--syntax-only", "prometheus.yml"))
        .contains("SUCCESS");
    String alerts = Files.readString(PROMETHEUS.resolve("alerts.yml"));
    for (String alert :
        List.of(
            "EdgeDown",
            "EdgeHitRatioDrop",
            "OriginFailing",
            "DnsServfailRate",
            "DnsRrlDropping",
            "ClusterMemberLost")) {
      assertThat(alerts).contains("alert: " + alert);
    }
  }

  /** The cdn_* and dns_* metric names in {@code text}, without histogram suffixes. */
  static Set<String> metricNames(String text) {
    Set<String> names = new TreeSet<>();
    // not the recording rules' names (opencdn:dns_queries:rate5m)
    Matcher m = Pattern.compile("(?<![:\\w])((?:cdn|dns)_[a-z0-9_]+)").matcher(text);
    while (m.find()) {
      names.add(m.group(1).replaceFirst("_(bucket|count|sum)$", ""));
    }
    return names;
  }

  @Test
  void everyMetricTheRulesAndTheDashboardNameIsExported() throws Exception {
    Set<String> used = new TreeSet<>();
    used.addAll(metricNames(Files.readString(PROMETHEUS.resolve("alerts.yml"))));
    used.addAll(metricNames(Files.readString(PROMETHEUS.resolve("alerts.test.yml"))));
    used.addAll(
        metricNames(Files.readString(ROOT.resolve("monitoring/grafana/opencdn-dashboard.json"))));
    assertThat(used)
        .contains(
            "cdn_requests_total", "cdn_cluster_members", "dns_queries_total", "dns_rrl_total");

    Vertx vertx = Vertx.vertx();
    TestCluster members =
        TestCluster.builder("monitoring-test")
            .secret("monitoring-secret-" + System.nanoTime())
            .start();
    ClusterConfig cluster = members.config(0);
    HazelcastInstance hz = members.member(0);
    EdgeConfig edgeConfig =
        EdgeConfig.builder()
            .id("e1")
            .region("europe")
            .latitude(50.1)
            .longitude(8.7)
            .listen(Endpoint.parse("127.0.0.1:0"))
            .adminToken("monitoring-token-0123456789")
            .distributions(List.of(new DistributionConfig("*", "http://127.0.0.1:9")))
            .cluster(cluster)
            .build()
            .withAccessLog(
                new AccessLogConfig(
                    true, "json", dir.resolve("access.log").toString(), null, null, null));
    EdgeNode edge = new EdgeNode(vertx, edgeConfig, hz, Clock.systemUTC());
    DnsConfig dnsConfig =
        ConfigLoader.parse(
            """
        listen: 127.0.0.1:0
        zones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]
        routing: [{name: www.cdn.test., ttl: 20}]
        edges: [{id: us-east, latitude: 39.04, longitude: -77.49, ipv4: 127.0.0.11}]
        admin: {listen: 127.0.0.1:0, token: monitoring-token-0123456789}
        decisionLog: {enabled: true, path: "%s"}
        """
                .formatted(dir.resolve("decisions.log")),
            "dns.yaml",
            DnsConfig.class);
    DnsServer dns = new DnsServer(vertx, dnsConfig, "classpath:dns.yaml", null, Clock.systemUTC());
    try {
      await(edge.start(), Duration.ofSeconds(60));
      int port = await(dns.start(), Duration.ofSeconds(60));
      SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
      resolver.setTimeout(Duration.ofSeconds(5));
      Message q =
          Message.newQuery(Record.newRecord(Name.fromString("www.cdn.test."), Type.A, DClass.IN));
      q.addRecord(
          new OPTRecord(
              1232,
              0,
              0,
              0,
              List.of(new ClientSubnetOption(24, java.net.InetAddress.getByName("81.2.69.0")))),
          Section.ADDITIONAL);
      assertThat(resolver.send(q).getSection(Section.ANSWER)).isNotEmpty();
      String exported = edge.metrics().scrape() + dns.operations().metrics().scrape();
      Set<String> missing = new TreeSet<>(used);
      missing.removeAll(metricNames(exported));
      assertThat(missing).as("metrics named in monitoring/ that no member exports").isEmpty();
    } finally {
      await(edge.stop(), Duration.ofSeconds(60));
      await(dns.stop(), Duration.ofSeconds(60));
      members.close();
      vertx.close();
    }
  }
}
