package io.opencdn.dns.bench;

import io.opencdn.dns.TestSupport;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.config.DnssecConfig;
import io.opencdn.dns.dnssec.KeyManager;
import io.opencdn.dns.dnssec.OnlineSigner;
import io.opencdn.dns.dnssec.Signatures;
import io.opencdn.dns.routing.SnapshotHolder;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Not a test: {@link HotPathLoop}'s kinds of query with the DO bit, through a handler signing with
 * a fresh CSK, against the same queries without DO through an unsigned handler: microseconds and
 * bytes allocated per query, ten rounds, in bursts of 8. NXDOMAIN names come from 30,000 (as in
 * bench/dns.sh's query file), so after the first round their denials are cached; the first round's
 * NXDOMAIN figure is the cost of first-seen names (one signature each).
 */
public final class SignedHotPathLoop {

  private SignedHotPathLoop() {}

  public static void main(String[] args) throws Exception {
    int n = 120_000;
    DnsConfig config = TestSupport.testConfig();
    QueryHandler plain = handler(config);
    QueryHandler signed = handler(config);
    DnssecConfig dc = DnssecConfig.defaults(Files.createTempDirectory("keys").toString());
    OnlineSigner signer =
        new OnlineSigner(dc, Clock.systemUTC(), new Signatures(Signatures.CAPACITY));
    signer.update(
        new KeyManager(java.nio.file.Path.of(dc.keyDirectory()), dc, Clock.systemUTC())
            .refresh(
                List.of(
                    Name.fromConstantString("cdn.test."), Name.fromConstantString("big.test."))));
    signed.signer(signer);
    Random rnd = new Random(20261125);
    byte[][][] plainQ = new byte[3][n][];
    byte[][][] doQ = new byte[3][n][];
    for (int i = 0; i < n; i++) {
      String ecs = rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0/24";
      plainQ[0][i] = TestSupport.query("www.cdn.test.", Type.A, ecs).toWire();
      doQ[0][i] = withDo(TestSupport.query("www.cdn.test.", Type.A, ecs));
      plainQ[1][i] = TestSupport.query("cdn.test.", Type.SOA, "edns").toWire();
      doQ[1][i] = withDo(TestSupport.query("cdn.test.", Type.SOA, "edns"));
      String nx = "nx" + rnd.nextInt(30_000) + ".cdn.test.";
      plainQ[2][i] = TestSupport.query(nx, Type.A, "edns").toWire();
      doQ[2][i] = withDo(TestSupport.query(nx, Type.A, "edns"));
    }
    String[] kinds = {"geo", "static", "nxdomain"};
    for (int round = 0; round < 10; round++) {
      StringBuilder line = new StringBuilder("round " + round + ":");
      for (int k = 0; k < 3; k++) {
        line.append(' ')
            .append(kinds[k])
            .append(' ')
            .append(burst(plain, plainQ[k]))
            .append(" -> signed ")
            .append(burst(signed, doQ[k]))
            .append(" |");
      }
      System.out.println(line + " signatures made " + signer.signatures().made());
    }
  }

  /** The query path as the server builds it, with a location cache of its own. */
  private static QueryHandler handler(DnsConfig config) {
    return new QueryHandler(
        TestSupport.stage(
            config,
            TestSupport.TEST_CONFIG,
            TestSupport.locations(),
            new SnapshotHolder(TestSupport.demoEdges()),
            Clock.systemUTC()));
  }

  private static byte[] withDo(Message q) {
    OPTRecord opt = q.getOPT();
    q.removeRecord(opt, Section.ADDITIONAL);
    q.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO, opt.getOptions()), Section.ADDITIONAL);
    return q.toWire();
  }

  private static String burst(QueryHandler handler, byte[][] queries) {
    HandlerTiming.PerQuery t =
        HandlerTiming.inBursts(handler, queries, InetAddress.getLoopbackAddress(), 8);
    return String.format("%.2f us %d B", t.micros(), t.bytes());
  }
}
