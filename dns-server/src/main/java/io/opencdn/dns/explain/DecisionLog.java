package io.opencdn.dns.explain;

import io.opencdn.common.log.AsyncLineWriter;
import io.opencdn.common.log.JsonText;
import io.opencdn.dns.geo.Cidr;
import io.opencdn.dns.geo.ClientLocation;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.routing.EdgeSnapshot;
import io.opencdn.dns.wire.Decoded;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.xbill.DNS.Type;

/**
 * The DNS decision log: for a sample of the geo-routed answers ({@link #sample()}, then {@link
 * #record}), one JSON line on an {@link AsyncLineWriter} (never waits; a full queue drops the line
 * and counts it) with the decision explained as {@code ./cdn route} explains it, by the server's
 * own location chain, policies and current edge snapshot ({@link Explainer}):
 *
 * <p>{@code timestamp} (epoch seconds, ms), {@code resolver} (the query's source address), {@code
 * transport}, {@code qname}, {@code qtype}, {@code client-network} (the network the answer is for:
 * the Client Subnet, else the resolver's /24 or /56), {@code ecs} (whether the query carried Client
 * Subnet), {@code ecs-source-prefix}, {@code ecs-scope} (the scope the answer carries), {@code
 * location-source} (the location step that decided, named as {@code cdn route} names it, e.g.
 * {@code GeoLite2-City}; null when no step located the client), {@code location-network}, {@code
 * country}, {@code continent}, {@code edge-group}, {@code location-steps} (what each location step
 * found), {@code policies}, {@code policy-steps} (one note per policy), {@code panic} (health
 * filtering abandoned), {@code answer} (edge ids the server answered with, in order) and {@code
 * explained} (the edges the explanation ranks first for the query's family; equal to {@code answer}
 * unless the edge snapshot changed in between). Strings are escaped by {@link JsonText}.
 */
public final class DecisionLog implements io.opencdn.dns.answer.DecisionSampler {

  private final AsyncLineWriter writer;
  private final double sampleRate;
  private final Explainer explainer;
  private final Supplier<EdgeSnapshot> snapshot;
  private final Clock clock;

  /**
   * A decision log explaining with {@code explainer} over the snapshots {@code snapshot} supplies.
   *
   * @param sampleRate share of answers explained, 0..1
   */
  public DecisionLog(
      AsyncLineWriter writer,
      double sampleRate,
      Explainer explainer,
      Supplier<EdgeSnapshot> snapshot,
      Clock clock) {
    this.writer = writer;
    this.sampleRate = sampleRate;
    this.explainer = explainer;
    this.snapshot = snapshot;
    this.clock = clock;
  }

  /** Whether to explain the next answer: true with probability {@code sampleRate}. */
  @Override
  public boolean sample() {
    return sampleRate >= 1
        || sampleRate > 0 && ThreadLocalRandom.current().nextDouble() < sampleRate;
  }

  /**
   * Explains the geo-routed answer to {@code query} from {@code resolver} and queues its line.
   *
   * @param answered ids of the edges the server answered with
   */
  @Override
  public void record(
      byte[] query, InetAddress resolver, Transport transport, List<String> answered) {
    if (!(QueryDecoder.decode(query, resolver, transport) instanceof Decoded.Query q)) {
      return;
    }
    writer.offer(line(q.request(), transport, answered));
  }

  String line(Request r, Transport transport, List<String> answered) {
    long now = clock.millis();
    InetAddress client = r.clientAddress();
    int prefix = r.clientPrefix();
    Explanation x =
        explainer.explain(client, prefix, r.name().toString(), snapshot.get(), Map.of());
    ClientLocation loc = x.location();
    StringBuilder b = new StringBuilder(512).append('{');
    JsonText.name(b, "timestamp")
        .append(now / 1000)
        .append('.')
        .append((char) ('0' + now % 1000 / 100))
        .append((char) ('0' + now % 100 / 10))
        .append((char) ('0' + now % 10));
    JsonText.string(JsonText.name(b, "resolver"), r.resolver().getHostAddress());
    JsonText.string(
        JsonText.name(b, "transport"), transport.name().toLowerCase(java.util.Locale.ROOT));
    JsonText.string(JsonText.name(b, "qname"), r.name().toString());
    JsonText.string(JsonText.name(b, "qtype"), Type.string(r.type()));
    JsonText.string(JsonText.name(b, "client-network"), network(client, prefix));
    JsonText.name(b, "ecs").append(r.hasClientSubnet());
    JsonText.name(b, "ecs-source-prefix")
        .append(r.hasClientSubnet() ? Integer.toString(prefix) : "null");
    JsonText.name(b, "ecs-scope").append(x.scope());
    JsonText.string(JsonText.name(b, "location-source"), loc == null ? null : loc.source());
    JsonText.string(JsonText.name(b, "location-network"), loc == null ? null : loc.network());
    JsonText.string(JsonText.name(b, "country"), loc == null ? null : loc.country());
    JsonText.string(JsonText.name(b, "continent"), loc == null ? null : loc.continent());
    JsonText.string(JsonText.name(b, "edge-group"), loc == null ? null : loc.group());
    list(JsonText.name(b, "location-steps"), x.locationNotes());
    list(JsonText.name(b, "policies"), x.policies());
    list(JsonText.name(b, "policy-steps"), x.decision().notes());
    JsonText.name(b, "panic").append(x.decision().panic());
    list(JsonText.name(b, "answer"), answered);
    List<Edge> explained = r.type() == Type.AAAA ? x.decision().ipv6() : x.decision().ipv4();
    list(JsonText.name(b, "explained"), explained.stream().map(Edge::id).toList());
    return b.append('}').toString();
  }

  private static String network(InetAddress client, int prefix) {
    try {
      return InetAddress.getByAddress(Cidr.of(client, prefix).bytes()).getHostAddress()
          + "/"
          + prefix;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e); // 4 or 16 bytes
    }
  }

  private static void list(StringBuilder b, List<String> items) {
    b.append('[');
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      JsonText.string(b, items.get(i));
    }
    b.append(']');
  }
}
