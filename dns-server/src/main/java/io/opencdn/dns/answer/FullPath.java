package io.opencdn.dns.answer;

import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.wire.Decoded;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.Request;
import io.opencdn.dns.wire.ResponseEncoder;
import io.opencdn.dns.wire.Responses;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The full query path of {@link QueryHandler}: {@link QueryDecoder} (parse, EDNS, ECS) -> optional
 * {@link ResponseRateLimiter} (UDP only; a slip is an empty TC response) -> {@link FullAnswerer}
 * (zone data, geo routing; SERVFAIL when it throws) -> the {@link ResponseSigner} when zones are
 * signed -> {@link ResponseEncoder}; the encoded answer is kept for the fast path under the query's
 * fast form, and geo-routed answers are counted, reported to the routed listener and sampled into
 * the decision log.
 */
final class FullPath {
  private static final Logger LOG = LoggerFactory.getLogger(QueryHandler.class);

  private final ResponseRateLimiter rrl;
  private final DnsMetrics metrics;
  private final QueryCounts counts;
  private final Consumer<InetAddress> routedListener;
  private final DecisionSampler decisions;

  FullPath(
      ResponseRateLimiter rrl,
      DnsMetrics metrics,
      QueryCounts counts,
      Consumer<InetAddress> routed,
      DecisionSampler decisions) {
    this.rrl = rrl;
    this.metrics = metrics;
    this.counts = counts;
    this.routedListener = routed;
    this.decisions = decisions;
  }

  /**
   * The full path; {@code preset} is the rate limiter's verdict when the fast path already asked
   * it; {@code fq} the query's fast form (or null), under which a zone answer is kept in {@code
   * current}; {@code s} signs the answer (null: zones unsigned).
   */
  byte[] respond(
      byte[] query,
      InetAddress source,
      Transport transport,
      ResponseRateLimiter.Verdict preset,
      FastQuery fq,
      AnswerStage current,
      ResponseSigner s) {
    Decoded decoded = QueryDecoder.decode(query, source, transport);
    if (decoded instanceof Decoded.Drop drop) {
      counts.dropped(transport);
      LOG.debug("dropped a message from {}: {}", source, drop.reason());
      return null;
    }
    if (decoded instanceof Decoded.Reply reply) {
      Message m = reply.response();
      int qtype = m.getQuestion() == null ? -1 : m.getQuestion().getType();
      if (limited(source, transport, qtype)) {
        return null; // error replies are never worth a TC retry
      }
      int rcode = m.getRcode();
      byte[] out = ResponseEncoder.encode(m, transport, reply.udpLimit());
      counts.response(rcode, qtype, transport);
      return out;
    }
    Request request = ((Decoded.Query) decoded).request();
    if (rrl != null && transport == Transport.UDP) {
      ResponseRateLimiter.Verdict verdict = preset != null ? preset : rrl.check(source);
      if (verdict != ResponseRateLimiter.Verdict.SEND) {
        metrics.rrl(request.type(), verdict == ResponseRateLimiter.Verdict.SLIP);
        if (verdict == ResponseRateLimiter.Verdict.DROP) {
          counts.droppedByRateLimit();
        }
        return verdict == ResponseRateLimiter.Verdict.SLIP ? slip(request) : null;
      }
    }
    Answer answer;
    try {
      answer = current.full().answer(request);
    } catch (RuntimeException e) {
      LOG.warn("SERVFAIL for {} {}: {}", request.name(), request.type(), e.toString());
      Message failed = Responses.error(request.message(), Rcode.SERVFAIL);
      answer = new Answer(failed, Rcode.SERVFAIL, 0);
    }
    boolean fromZone = answer.fromZone();
    if (s != null) {
      answer = s.sign(request, answer, current.zones(), current.routedNames());
    }
    byte[] out = ResponseEncoder.encode(answer.message(), request, answer.rcode(), answer.scope());
    if (fq != null && s != null && request.dnssecOk()) {
      if (fromZone) {
        s.keep(fq, answer.rcode(), out);
      }
    } else if (fq != null) {
      current.kept().keep(fq, answer, out);
    }
    if (!answer.edges().isEmpty()) {
      metrics.answered(answer.edges());
      if (routedListener != null) {
        routedListener.accept(request.clientAddress());
      }
      if (decisions != null && decisions.sample()) {
        decisions.record(query, source, transport, answer.edges());
      }
    }
    counts.response(answer.rcode(), request.type(), transport);
    return out;
  }

  private boolean limited(InetAddress source, Transport transport, int qtype) {
    if (rrl == null
        || transport != Transport.UDP
        || rrl.check(source) == ResponseRateLimiter.Verdict.SEND) {
      return false;
    }
    metrics.rrl(qtype, false);
    counts.droppedByRateLimit();
    return true;
  }

  /** The RRL "slip" response: no records, TC set, so a genuine client retries over TCP. */
  private static byte[] slip(Request request) {
    Message m = Responses.empty(request.message());
    m.getHeader().setFlag(Flags.TC);
    return ResponseEncoder.encode(m, request, Rcode.NOERROR, 0);
  }
}
