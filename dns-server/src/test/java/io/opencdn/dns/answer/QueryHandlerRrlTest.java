package io.opencdn.dns.answer;

import static io.opencdn.dns.TestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.opencdn.dns.config.RrlConfig;
import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.routing.SnapshotHolder;
import io.opencdn.dns.wire.Transport;
import io.opencdn.testing.TestClock;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RRL inside the query path: UDP limited per network with TC slips, TCP never, metrics counted. */
class QueryHandlerRrlTest {

  private final TestClock clock = new TestClock();
  private final DnsMetrics metrics = new DnsMetrics();
  private final QueryHandler handler =
      new QueryHandler(
          stage(testConfig(), TEST_CONFIG, locations(), new SnapshotHolder(demoEdges()), clock),
          new ResponseRateLimiter(new RrlConfig(true, 3, 2, 15, null, null), clock),
          metrics,
          null,
          null);

  private byte[] ask(String source, Transport transport) {
    return handler.handle(query("cdn.test.", Type.SOA, "edns").toWire(), ip(source), transport);
  }

  @Test
  void limitsUdpPerNetworkWithSlipsAndNeverTcp() {
    for (int i = 0; i < 3; i++) {
      assertThat(parse(ask("198.51.100." + (i + 1), Transport.UDP)).getSection(Section.ANSWER))
          .hasSize(1);
    }
    assertThat(ask("198.51.100.9", Transport.UDP)).as("4th from the /24: dropped").isNull();
    Message slip = parse(ask("198.51.100.9", Transport.UDP));
    assertThat(slip.getHeader().getFlag(Flags.TC)).as("5th: slipped").isTrue();
    assertThat(slip.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(slip.getSection(Section.ANSWER)).isEmpty();
    assertThat(slip.getQuestion().getName().toString()).isEqualTo("cdn.test.");
    assertThat(slip.getOPT()).as("EDNS query, OPT in the slip").isNotNull();
    assertThat(ask("198.51.101.1", Transport.UDP)).as("another /24").isNotNull();
    Message tcp = parse(ask("198.51.100.9", Transport.TCP));
    assertThat(tcp.getSection(Section.ANSWER)).as("TCP is not limited").hasSize(1);

    clock.advance(10_000);
    assertThat(parse(ask("198.51.100.9", Transport.UDP)).getSection(Section.ANSWER))
        .as("after a quiet while")
        .hasSize(1);

    String scrape = metrics.scrape();
    assertThat(scrape)
        .contains("dns_rrl_total{action=\"drop\"} 1.0", "dns_rrl_total{action=\"slip\"} 1.0");
    assertThat(handler.dropped()).isEqualTo(1);
  }
}
