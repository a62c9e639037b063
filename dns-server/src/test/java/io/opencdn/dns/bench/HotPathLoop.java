package io.opencdn.dns.bench;

import io.opencdn.dns.TestSupport;
import io.opencdn.dns.answer.QueryHandler;
import io.opencdn.dns.config.DnsConfig;
import io.opencdn.dns.routing.SnapshotHolder;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Random;
import org.xbill.DNS.Type;

/**
 * Not a test: a single-thread micro loop over {@link QueryHandler#handle} wired like {@code
 * DnsServer} (embedded GeoLite2 City behind the location cache, no coverage zones, the three demo
 * edges, the default policy chain), for before/after figures of the geo hot path. Run with {@code
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.opencdn.dns.bench.HotPathLoop}.
 * Prints microseconds and allocated bytes per query, for ten rounds, of: geo queries with ECS from
 * 120,000 random /24s, each asked again in every round (as in bench/dns.sh, whose query file
 * dnsperf replays: a working set far larger than the CPU caches), the same in bursts of 8 through
 * {@link QueryHandler#handleAll} (as the UDP listener hands them over), geo queries from 1,000
 * repeating /24s (resolver-like), static names and NXDOMAIN for names drawn from a million.
 */
public final class HotPathLoop {

  private HotPathLoop() {}

  public static void main(String[] args) throws Exception {
    // as bench/dns.sh: 120,000 client networks, each asked again in every round
    int n = args.length > 0 && args[0].matches("\\d+") ? Integer.parseInt(args[0]) : 120_000;
    DnsConfig config = TestSupport.testConfig();
    QueryHandler handler =
        new QueryHandler(
            TestSupport.stage(
                config,
                TestSupport.TEST_CONFIG,
                TestSupport.locations(),
                new SnapshotHolder(TestSupport.demoEdges()),
                Clock.systemUTC()));
    Random rnd = new Random(20261125);
    byte[][] random = new byte[n][];
    for (int i = 0; i < n; i++) {
      random[i] =
          TestSupport.query(
                  "www.cdn.test.",
                  Type.A,
                  rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0/24")
              .toWire();
    }
    byte[][] nets = new byte[1000][];
    for (int i = 0; i < nets.length; i++) {
      nets[i] =
          TestSupport.query(
                  "www.cdn.test.",
                  Type.A,
                  rnd.nextInt(1, 224) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256) + ".0/24")
              .toWire();
    }
    byte[][] repeating = new byte[n][];
    for (int i = 0; i < n; i++) {
      repeating[i] = nets[rnd.nextInt(nets.length)];
    }
    byte[][] statics = new byte[n][];
    byte[][] nx = new byte[n][];
    for (int i = 0; i < n; i++) {
      statics[i] = TestSupport.query("cdn.test.", Type.SOA, "edns").toWire();
      // as bench/dns.sh: names from a million, so that few repeat within a round
      nx[i] =
          TestSupport.query("nx" + rnd.nextInt(1_000_000) + ".cdn.test.", Type.A, "edns").toWire();
    }
    InetAddress src = InetAddress.getLoopbackAddress();
    for (int round = 0; round < 10; round++) {
      String line =
          "round "
              + round
              + ": "
              + run("geo random /24", handler, random, src)
              + burst("in bursts of 8", handler, random, src, 8)
              + run("geo 1000 /24s", handler, repeating, src)
              + run("static", handler, statics, src)
              + run("nxdomain", handler, nx, src);
      System.out.println(line);
    }
  }

  /** As {@link #run}, in bursts of {@code size}. */
  private static String burst(
      String what, QueryHandler handler, byte[][] queries, InetAddress src, int size) {
    return format(what, HandlerTiming.inBursts(handler, queries, src, size));
  }

  private static String run(String what, QueryHandler handler, byte[][] queries, InetAddress src) {
    return format(what, HandlerTiming.oneByOne(handler, queries, src));
  }

  private static String format(String what, HandlerTiming.PerQuery t) {
    return String.format("%s %.2f us %5d B | ", what, t.micros(), t.bytes());
  }
}
