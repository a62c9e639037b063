package io.opencdn.dns.answer;

import io.opencdn.dns.metrics.DnsMetrics;
import io.opencdn.dns.routing.Edge;
import io.opencdn.dns.wire.DnsHandler;
import io.opencdn.dns.wire.FastQuery;
import io.opencdn.dns.wire.QueryDecoder;
import io.opencdn.dns.wire.ResponseEncoder;
import io.opencdn.dns.wire.Transport;
import java.net.InetAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Rcode;

/**
 * The whole query path as one function, the {@link DnsHandler} the listeners call: first the fast
 * path ({@link FastQuery} reads the common query shape on the wire; a {@link KeptResponses} replay,
 * the {@link FastAnswerer}, or an NXDOMAIN template answers it), else the full path ({@link
 * FullPath}): {@link QueryDecoder} (parse, EDNS, ECS) -> optional {@link ResponseRateLimiter} (UDP
 * only) -> {@link FullAnswerer} (zone data, geo routing) -> {@link ResponseEncoder} (OPT, ECS echo,
 * truncation), recording {@link DnsMetrics}. With a {@link ResponseSigner} (zones signed), queries
 * with the DO bit take {@link #respondSigned}: signed responses kept by the signer, geo answers of
 * the fast path signed, else the full path with the answer signed before encoding. No I/O, no
 * locks: safe to call from any number of event loops. The {@link AnswerStage} (zones + routes) is
 * held in a volatile field and replaced whole by {@link #swap} on reload, so a query sees either
 * the old or the new state, never a mix.
 *
 * <p>Time: {@code System.nanoTime()} only measures how long answering took, for the {@code
 * dns_query_duration_seconds} histogram; nothing here decides by time (the rate limiter and the
 * router read the clock they are given).
 */
public final class QueryHandler implements DnsHandler {

  private static final Logger LOG = LoggerFactory.getLogger(QueryHandler.class);

  private volatile AnswerStage stage;
  private final ResponseRateLimiter rrl;
  private final DnsMetrics metrics;
  private final QueryCounts counts;
  private final FullPath full;
  private final Consumer<InetAddress> routedListener;
  private final DecisionSampler decisions;
  private volatile boolean fastPath = true;
  private volatile ResponseSigner signer;

  /** A handler without rate limiting and without a routed listener, with its own metrics. */
  public QueryHandler(AnswerStage stage) {
    this(stage, null, new DnsMetrics(), null, null);
  }

  /**
   * @param rrl rate limiter for UDP responses, or null for none
   * @param metrics where queries, latencies, edges and RRL actions are counted
   * @param routed called with the client address (the Client Subnet's network, else the resolver)
   *     of every query answered with edges (geo-routed), on the query path: it must be cheap and
   *     must not block (the wiring passes the latency probe targets' {@code record}); null for none
   * @param decisions the decision log that explains a sample of the geo-routed answers; null for
   *     none
   */
  public QueryHandler(
      AnswerStage stage,
      ResponseRateLimiter rrl,
      DnsMetrics metrics,
      Consumer<InetAddress> routed,
      DecisionSampler decisions) {
    this.stage = stage;
    this.routedListener = routed;
    this.decisions = decisions;
    this.rrl = rrl;
    this.metrics = metrics;
    this.counts = new QueryCounts(metrics);
    this.full = new FullPath(rrl, metrics, counts, routed, decisions);
  }

  /** Replaces the answer stage (hot reload); queries in flight finish with the old one. */
  public void swap(AnswerStage next) {
    this.stage = next;
  }

  /**
   * Turns the fast path ({@link FastQuery}, {@link KeptResponses}, {@link FastAnswerer}) on or off;
   * on by default. Off, every query takes the full path, which gives the same bytes: tests compare
   * the two.
   */
  public void fastPath(boolean enabled) {
    this.fastPath = enabled;
  }

  /**
   * Signs the answers of queries with the DO bit (and adds DNSKEY, CDS, CDNSKEY at the apexes of
   * signed zones); null (the default) for none. Queries without DO are answered as without it.
   */
  public void signer(ResponseSigner next) {
    this.signer = next;
  }

  /** The current answer stage. */
  public AnswerStage stage() {
    return stage;
  }

  @Override
  public byte[] handle(byte[] query, InetAddress source, Transport transport) {
    long start = System.nanoTime();
    counts.received();
    byte[] response;
    try {
      response = respond(query, source, transport, fastPath ? FastQuery.parse(query) : null, stage);
    } catch (RuntimeException | StackOverflowError e) {
      return failed(source, transport, e);
    }
    if (response != null) {
      long now = System.nanoTime();
      metrics.latency(now - start, 1);
    }
    return response;
  }

  /**
   * Answers a burst of queries as {@link #handle} answers each, after one pass over the burst that
   * loads, query by query and stage by stage, what the geo fast path will read for each client
   * network ({@link FastAnswerer#warm}): over hundreds of thousands of client networks those reads
   * miss the CPU caches, and issued side by side for the whole burst they overlap instead of
   * following one another. The responses are the same bytes {@link #handle} gives. Each response's
   * latency is the whole burst's time: the responses are sent together after it (and the clock is
   * read twice per burst rather than per query).
   */
  @Override
  public void handleAll(
      byte[][] queries, InetAddress[] sources, int n, Transport transport, byte[][] responses) {
    long start = System.nanoTime();
    AnswerStage current = stage;
    FastQuery[] parsed = new FastQuery[n];
    RuntimeException[] unparsed = null;
    if (fastPath) {
      for (int i = 0; i < n; i++) {
        try {
          parsed[i] = FastQuery.parse(queries[i]);
        } catch (RuntimeException e) {
          unparsed = unparsed == null ? new RuntimeException[n] : unparsed;
          unparsed[i] = e; // dropped below, as handle() drops it
        }
      }
      try {
        current.fast().warm(parsed, sources, n);
      } catch (RuntimeException e) {
        LOG.debug(
            "warming a burst failed: {}", e.toString()); // only reads: the answers are unaffected
      }
    }
    for (int i = 0; i < n; i++) {
      counts.received();
      if (unparsed != null && unparsed[i] != null) {
        responses[i] = failed(sources[i], transport, unparsed[i]);
        continue;
      }
      try {
        responses[i] = respond(queries[i], sources[i], transport, parsed[i], current);
      } catch (RuntimeException | StackOverflowError e) {
        responses[i] = failed(sources[i], transport, e);
      }
    }
    long now = System.nanoTime();
    int answered = 0;
    for (int i = 0; i < n; i++) {
      answered += responses[i] != null ? 1 : 0;
    }
    metrics.latency(now - start, answered);
  }

  private byte[] failed(InetAddress source, Transport transport, Throwable e) {
    // last line of defence: decoding and encoding are meant not to throw
    LOG.warn("dropped a message from {}: {}", source, e.toString());
    counts.dropped(transport);
    return null;
  }

  private byte[] respond(
      byte[] query, InetAddress source, Transport transport, FastQuery fq, AnswerStage current) {
    ResponseRateLimiter.Verdict verdict = null;
    ResponseSigner s = signer;
    if (fq != null && s != null && fq.dnssecOk()) {
      return respondSigned(query, source, transport, fq, current, s);
    }
    if (fq != null) {
      byte[] kept = current.kept().response(fq);
      if (kept != null) {
        verdict =
            rrl == null || transport != Transport.UDP
                ? ResponseRateLimiter.Verdict.SEND
                : rrl.check(source);
        if (verdict == ResponseRateLimiter.Verdict.SEND) {
          count(kept[3] & 0x0F, fq.type(), transport);
          return kept;
        }
        return respondFully(query, source, transport, verdict, null, current);
      }
      FastAnswerer.Fast fast = fast(current, fq, source, transport);
      if (fast != null) {
        verdict =
            rrl == null || transport != Transport.UDP
                ? ResponseRateLimiter.Verdict.SEND
                : rrl.check(source);
        if (verdict == ResponseRateLimiter.Verdict.SEND) {
          for (Edge e : fast.edges()) {
            metrics.answered(e.id());
          }
          if (routedListener != null) {
            routedListener.accept(fast.client());
          }
          if (decisions != null && decisions.sample()) {
            decisions.record(
                query,
                source,
                transport,
                fast.edges().stream().map(io.opencdn.dns.routing.Edge::id).toList());
          }
          count(Rcode.NOERROR, fq.type(), transport);
          return fast.wire();
        }
        // rate-limited: the full path builds the slip or drops, with this verdict
      }
      byte[] negative =
          verdict == null ? current.kept().negative(fq, transport == Transport.UDP) : null;
      if (negative != null) {
        verdict =
            rrl == null || transport != Transport.UDP
                ? ResponseRateLimiter.Verdict.SEND
                : rrl.check(source);
        if (verdict == ResponseRateLimiter.Verdict.SEND) {
          count(Rcode.NXDOMAIN, fq.type(), transport);
          return negative;
        }
      }
    }
    return respondFully(query, source, transport, verdict, fq, current);
  }

  /**
   * The fast path of a query with DO when zones are signed: kept signed responses, signed geo
   * answers.
   */
  private byte[] respondSigned(
      byte[] query,
      InetAddress source,
      Transport transport,
      FastQuery fq,
      AnswerStage current,
      ResponseSigner s) {
    boolean udp = transport == Transport.UDP;
    byte[] kept = s.cached(fq, udp);
    byte[] signed = null;
    FastAnswerer.Fast fast = null;
    if (kept == null) {
      fast = fast(current, fq, source, transport);
      signed = fast == null ? null : s.signFast(fq, fast.wire(), udp);
    }
    if (kept == null && signed == null) {
      return respondFully(query, source, transport, null, fq, current);
    }
    ResponseRateLimiter.Verdict verdict =
        rrl == null || !udp ? ResponseRateLimiter.Verdict.SEND : rrl.check(source);
    if (verdict != ResponseRateLimiter.Verdict.SEND) {
      return respondFully(query, source, transport, verdict, fq, current);
    }
    if (kept != null) {
      count(kept[3] & 0x0F, fq.type(), transport);
      return kept;
    }
    for (Edge e : fast.edges()) {
      metrics.answered(e.id());
    }
    if (routedListener != null) {
      routedListener.accept(fast.client());
    }
    count(Rcode.NOERROR, fq.type(), transport);
    return signed;
  }

  private static FastAnswerer.Fast fast(
      AnswerStage current, FastQuery fq, InetAddress source, Transport transport) {
    try {
      return current.fast().answer(fq, source, transport == Transport.UDP);
    } catch (RuntimeException e) {
      return null; // the full path answers, SERVFAIL if it fails the same way
    }
  }

  private void count(int rcode, int qtype, Transport transport) {
    counts.response(rcode, qtype, transport);
  }

  /** The full path with the signer of the moment. */
  private byte[] respondFully(
      byte[] query,
      InetAddress source,
      Transport transport,
      ResponseRateLimiter.Verdict preset,
      FastQuery fq,
      AnswerStage current) {
    return full.respond(query, source, transport, preset, fq, current, signer);
  }

  /** The metrics this handler records into. */
  public DnsMetrics metrics() {
    return metrics;
  }

  /** Messages received. */
  public long queries() {
    return counts.queries();
  }

  /** Messages dropped without an answer (malformed, responses, rate-limited). */
  public long dropped() {
    return counts.dropped();
  }

  /** Responses sent with {@code rcode} (rcodes above 22 are counted together under 23). */
  public long responses(int rcode) {
    return counts.responses(rcode);
  }
}
