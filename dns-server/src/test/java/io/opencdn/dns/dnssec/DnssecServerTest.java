package io.opencdn.dns.dnssec;

import static io.opencdn.dns.TestSupport.withDemoEdges;
import static io.opencdn.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.common.config.ConfigLoader;
import io.opencdn.dns.DnsServer;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.DnssecAlgorithm;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A server started from a YAML config with a {@code dnssec} section, over real UDP and TCP: the key
 * is made in the directory beside the config, DO answers carry RRSIGs, answers without DO none, and
 * the signature counters reach the metrics.
 */
class DnssecServerTest {

  @TempDir Path dir;
  private Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void signsDoAnswersOverUdpAndTcp() throws Exception {
    String yaml =
        "listen: 127.0.0.1:0\nzones: [{origin: cdn.test., file: classpath:demo/cdn.test.zone}]\n"
            + "routing: [{name: www.cdn.test.}]\nrrl: {enabled: false}\ndnssec: {keyDirectory: keys, algorithm: ED25519}\n";
    Path config = dir.resolve("dns.yaml");
    Files.writeString(config, yaml);
    vertx = Vertx.vertx();
    DnsServer server =
        new DnsServer(
            vertx,
            withDemoEdges(ConfigLoader.parse(yaml, config.toString(), DnsConfig.class)),
            config.toString(),
            null,
            Clock.systemUTC());
    int port = await(server.start(), Duration.ofSeconds(30));
    assertThat(KeyFiles.read(dir.resolve("keys")))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.role()).isEqualTo("csk");
              assertThat(k.algorithm()).isEqualTo(DnssecAlgorithm.ED25519);
            });
    for (boolean tcp : new boolean[] {false, true}) {
      SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
      r.setPort(port);
      r.setTCP(tcp);
      r.setTimeout(Duration.ofSeconds(5));
      for (boolean dnssecOk : new boolean[] {false, true}) {
        Message q =
            Message.newQuery(
                Record.newRecord(Name.fromConstantString("www.cdn.test."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        Message m = r.send(q);
        assertThat(
                m.getSection(Section.ANSWER).stream()
                    .filter(x -> x.getType() == Type.RRSIG)
                    .count())
            .as("RRSIGs with DO=%s over %s", dnssecOk, tcp ? "TCP" : "UDP")
            .isEqualTo(dnssecOk ? 1 : 0);
      }
    }
    String scrape = server.operations().metrics().scrape();
    assertThat(scrape).contains("dns_dnssec_signatures_total{source=\"made\"}");
    assertThat(scrape).containsPattern("dns_dnssec_signatures_total\\{source=\"made\"\\} [1-9]");
  }
}
