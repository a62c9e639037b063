package io.opencdn.dns;

import io.opencdn.dns.answer.Answer;
import io.opencdn.dns.answer.Answerer;
import io.opencdn.dns.geo.GeoLocator;
import io.opencdn.dns.net.DnsHandler;
import io.opencdn.dns.net.Transport;
import io.opencdn.dns.routing.EdgeSnapshotSource;
import io.opencdn.dns.routing.NearestHealthy;
import io.opencdn.dns.wire.Decoded;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.ResponseEncoder;
import io.opencdn.dns.wire.Responses;
import io.opencdn.dns.zone.ZoneSet;
import java.net.InetAddress;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The whole query path as one pure function: {@link QueryDecoder} (parse, EDNS, ECS) ->
 * {@link Answerer} (zone data, geo routing) -> {@link ResponseEncoder} (OPT, ECS echo,
 * truncation). No I/O, no locks: safe to call from any number of event loops.
 */
public final class QueryHandler implements DnsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(QueryHandler.class);

  private final Answerer answerer;
  private final LongAdder queries = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder[] byRcode = new LongAdder[24];

  public QueryHandler(Answerer answerer) {
    this.answerer = answerer;
    for (int i = 0; i < byRcode.length; i++) {
      byRcode[i] = new LongAdder();
    }
  }

  /** A handler for {@code config}: loads its zones (relative to {@code configLocation}) and routes with {@link NearestHealthy}. */
  public static QueryHandler create(DnsConfig config, String configLocation, GeoLocator geo, EdgeSnapshotSource edges) {
    ZoneSet zones = ZoneSet.load(config.zones(), configLocation);
    return new QueryHandler(new Answerer(zones, config.routing(), geo, edges, new NearestHealthy()));
  }

  @Override
  public byte[] handle(byte[] query, InetAddress source, Transport transport) {
    queries.increment();
    Decoded decoded = QueryDecoder.decode(query, source, transport);
    if (decoded instanceof Decoded.Drop drop) {
      dropped.increment();
      LOG.debug("dropped a message from {}: {}", source, drop.reason());
      return null;
    }
    if (decoded instanceof Decoded.Reply reply) {
      count(reply.response().getRcode());
      return ResponseEncoder.encode(reply.response(), transport, reply.udpLimit());
    }
    Request request = ((Decoded.Query) decoded).request();
    Answer answer;
    try {
      answer = answerer.answer(request);
    } catch (RuntimeException e) {
      LOG.warn("SERVFAIL for {} {}: {}", request.name(), request.type(), e.toString());
      Message failed = Responses.error(request.message(), Rcode.SERVFAIL);
      answer = new Answer(failed, Rcode.SERVFAIL, 0);
    }
    count(answer.rcode());
    return ResponseEncoder.encode(answer.message(), request, answer.rcode(), answer.scope());
  }

  private void count(int rcode) {
    byRcode[Math.min(rcode, byRcode.length - 1)].increment();
  }

  /** Messages received. */
  public long queries() {
    return queries.sum();
  }

  /** Messages dropped without an answer. */
  public long dropped() {
    return dropped.sum();
  }

  /** Responses sent with {@code rcode} (rcodes above 22 are counted together under 23). */
  public long responses(int rcode) {
    return byRcode[Math.min(rcode, byRcode.length - 1)].sum();
  }
}
