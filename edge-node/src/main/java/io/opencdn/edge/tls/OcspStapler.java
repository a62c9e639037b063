package io.opencdn.edge.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OCSP stapling for the HTTPS listener's certificates (OpenSSL engine only). For each served
 * certificate whose AIA extension names an OCSP responder, it POSTs the request to the responder
 * with the Vert.x HTTP client (never blocking an event loop), checks the answer ({@link OcspQuery})
 * and keeps it; {@link #chosen} hands the current one to each handshake's engine once {@link
 * SniKeyManager} has picked the certificate, and BoringSSL sends it to clients that ask ({@code
 * status_request}). An answer is refreshed at half its validity (between 1 minute and 24 hours
 * ahead); a failed fetch is retried with a doubling back-off (from 30 s, up to 30 min) while the
 * answer in hand is served until its nextUpdate. A {@code good} or {@code revoked} answer is
 * stapled (what the CA answers), an {@code unknown} one or an expired one never. A certificate
 * without a responder URL, or without its issuer in the chain file, gets nothing stapled and no
 * error.
 */
final class OcspStapler {

  private static final Logger LOG = LoggerFactory.getLogger(OcspStapler.class);

  static final Duration MIN_REFRESH = Duration.ofMinutes(1);
  static final Duration MAX_REFRESH = Duration.ofHours(24);
  static final Duration MAX_RETRY = Duration.ofMinutes(30);
  static final long TIMEOUT_MILLIS = 10_000;
  static final int MAX_RESPONSE_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final Clock clock;
  private final String edgeId;
  private final boolean enabled;
  private final Duration firstRetry;
  private final HttpClient http;
  private final Map<String, Tracked> tracked = new HashMap<>();
  private volatile Map<X509Certificate, Tracked> byLeaf = new IdentityHashMap<>();
  private Map<X509Certificate, Tracked> previousLeaves = new IdentityHashMap<>();
  private final Counter staples;
  private final MeterRegistry registry;

  /**
   * @param enabled false with the JDK engine: nothing is fetched, stats say stapling is off
   * @param firstRetry the first back-off after a failed fetch (doubles up to {@link #MAX_RETRY})
   */
  OcspStapler(
      Vertx vertx,
      Clock clock,
      String edgeId,
      boolean enabled,
      Duration firstRetry,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.clock = clock;
    this.edgeId = edgeId;
    this.enabled = enabled;
    this.firstRetry = firstRetry;
    this.registry = registry;
    this.http =
        enabled
            ? vertx.createHttpClient(
                new HttpClientOptions()
                    .setKeepAlive(false)
                    .setConnectTimeout((int) TIMEOUT_MILLIS)
                    .setMaxRedirects(0),
                new PoolOptions().setHttp1MaxSize(4))
            : null;
    this.staples =
        Counter.builder("cdn_tls_ocsp_staples")
            .description("full handshakes given a stapled OCSP response")
            .register(registry);
    Gauge.builder("cdn_tls_ocsp_stapled", this, OcspStapler::current)
        .description("certificates with a current OCSP response to staple")
        .register(registry);
  }

  /**
   * Follows the certificates of {@code set} (at start and after each reload): new ones are fetched
   * at once, those that stay keep their answer, those gone stop being refreshed.
   */
  synchronized void track(CertificateSet set) {
    Map<String, Tracked> next = new HashMap<>();
    Map<X509Certificate, Tracked> own = new IdentityHashMap<>();
    for (int i = 0; i < set.keys().size(); i++) {
      SniKeyManager.Entry e = set.keys().get(i);
      CertificateSet.Info info = set.certificates().get(i);
      Tracked t = next.getOrDefault(info.sha256(), tracked.get(info.sha256()));
      if (t == null) {
        t = new Tracked(info.cert(), e.chain());
        if (enabled && t.query != null) {
          Tracked first = t;
          vertx.runOnContext(v -> fetch(first));
        }
      }
      next.put(info.sha256(), t);
      own.put(e.chain()[0], t);
    }
    // a handshake under way may still have picked from the previous set (another parse of the same
    // certificate): its leaves stay until the next set, one generation only
    Map<X509Certificate, Tracked> leaves = new IdentityHashMap<>(own);
    previousLeaves.forEach(
        (leaf, t) -> {
          if (next.containsValue(t)) {
            leaves.putIfAbsent(leaf, t);
          }
        });
    tracked.forEach(
        (fp, t) -> {
          if (!next.containsKey(fp)) {
            t.stop(vertx);
          }
        });
    tracked.clear();
    tracked.putAll(next);
    previousLeaves = own;
    byLeaf = leaves;
  }

  /** Stops refreshing; closes the HTTP client. */
  synchronized Future<Void> stop() {
    tracked.values().forEach(t -> t.stop(vertx));
    tracked.clear();
    return http == null ? Future.succeededFuture() : http.close();
  }

  /**
   * Staples the current answer about {@code e}'s certificate, if any, on {@code engine} (called
   * from the engine's certificate selection, where BoringSSL takes it).
   */
  void chosen(SniKeyManager.Entry e, SSLEngine engine) {
    if (!(engine instanceof ReferenceCountedOpenSslEngine openssl)) {
      return;
    }
    Tracked t = byLeaf.get(e.chain()[0]);
    OcspQuery.Answer a = t == null ? null : t.answer;
    if (a == null || !a.nextUpdate().isAfter(clock.instant())) {
      return;
    }
    try {
      openssl.setOcspResponse(a.der());
      staples.increment();
    } catch (RuntimeException ex) {
      // the engine refused (e.g. closed meanwhile): the handshake goes on without a staple
      LOG.debug("edge {}: OCSP response not stapled: {}", edgeId, ex.toString());
    }
  }

  /** What {@code GET /_cdn/tls} shows about the certificate with fingerprint {@code sha256}. */
  synchronized JsonObject json(String sha256) {
    Tracked t = tracked.get(sha256);
    if (t == null) {
      return null;
    }
    JsonObject j = new JsonObject().put("url", t.query == null ? null : t.query.url());
    if (t.query == null) {
      return j.put("status", "none").put("stapled", false).put("reason", t.reason);
    }
    if (!enabled) {
      return j.put("status", "off").put("stapled", false).put("reason", "the JDK engine");
    }
    OcspQuery.Answer a = t.answer;
    return j.put("status", t.status)
        .put("stapled", a != null && a.nextUpdate().isAfter(clock.instant()))
        .put("thisUpdate", a == null ? null : a.thisUpdate().toString())
        .put("nextUpdate", a == null ? null : a.nextUpdate().toString())
        .put("lastFetch", t.lastFetch == null ? null : t.lastFetch.toString())
        .put("nextFetch", t.nextFetch == null ? null : t.nextFetch.toString())
        .put("failures", t.failures)
        .put("lastError", t.lastError);
  }

  /** Certificates with a current answer to staple. */
  private synchronized double current() {
    Instant now = clock.instant();
    return tracked.values().stream()
        .filter(t -> t.answer != null && t.answer.nextUpdate().isAfter(now))
        .count();
  }

  private void fetch(Tracked t) {
    if (t.stopped) {
      return;
    }
    RequestOptions req =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(t.query.url())
            .setTimeout(TIMEOUT_MILLIS)
            .putHeader("Content-Type", "application/ocsp-request")
            .putHeader("Accept", "application/ocsp-response");
    Future<OcspQuery.Answer> answer;
    try {
      answer =
          http.request(req)
              .compose(r -> r.send(Buffer.buffer(t.query.request())))
              .compose(OcspStapler::body)
              .compose(b -> vertx.executeBlocking(() -> t.query.check(b, clock.instant()), false));
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(
        r -> {
          if (r.succeeded()) {
            answered(t, r.result());
          } else {
            failed(t, r.cause());
          }
        });
  }

  /** The body of a 200 answer, at most {@link #MAX_RESPONSE_BYTES}. */
  private static Future<byte[]> body(HttpClientResponse resp) {
    if (resp.statusCode() != 200) {
      resp.request().reset();
      return Future.failedFuture(new IllegalStateException("HTTP " + resp.statusCode()));
    }
    Promise<byte[]> p = Promise.promise();
    Buffer acc = Buffer.buffer();
    resp.handler(
        b -> {
          if (acc.length() + b.length() > MAX_RESPONSE_BYTES) {
            resp.request().reset();
            p.tryFail(new IllegalStateException("response over " + MAX_RESPONSE_BYTES + " bytes"));
          } else {
            acc.appendBuffer(b);
          }
        });
    resp.exceptionHandler(p::tryFail);
    resp.endHandler(v -> p.tryComplete(acc.getBytes()));
    return p.future();
  }

  private void answered(Tracked t, OcspQuery.Answer a) {
    Instant now = clock.instant();
    String before = t.status;
    t.lastFetch = now;
    t.failures = 0;
    t.lastError = null;
    t.answer = "unknown".equals(a.status()) ? null : a;
    count(a.status());
    if (!a.status().equals(before)) {
      if ("good".equals(a.status())) {
        LOG.info("edge {}: OCSP good for {} until {}", edgeId, t.name, a.nextUpdate());
      } else if ("revoked".equals(a.status())) {
        LOG.error("edge {}: {} is REVOKED (its responder says so; stapled)", edgeId, t.name);
      } else {
        LOG.warn("edge {}: the OCSP responder does not know {}: nothing stapled", edgeId, t.name);
      }
    }
    Duration validity = Duration.between(a.thisUpdate(), a.nextUpdate());
    Duration untilHalf = Duration.between(now, a.thisUpdate().plus(validity.dividedBy(2)));
    schedule(t, clamp(untilHalf, MIN_REFRESH, MAX_REFRESH));
    // the status last: whoever reads it as this answer's sees its next fetch too
    t.status = a.status();
  }

  private void failed(Tracked t, Throwable cause) {
    t.failures++;
    t.lastError = String.valueOf(cause.getMessage());
    count("failed");
    OcspQuery.Answer a = t.answer;
    boolean serving = a != null && a.nextUpdate().isAfter(clock.instant());
    if (t.failures == 1 || !serving) {
      LOG.warn(
          "edge {}: OCSP fetch for {} from {} failed ({} in a row): {}; {}",
          edgeId,
          t.name,
          t.query.url(),
          t.failures,
          t.lastError,
          serving ? "stapling the answer in hand until " + a.nextUpdate() : "nothing stapled");
    }
    if (!serving && a != null) {
      t.answer = null;
      t.status = "expired";
    } else if (a == null && "pending".equals(t.status)) {
      t.status = "failed";
    }
    Duration backoff = firstRetry.multipliedBy(1L << Math.min(t.failures - 1, 20));
    schedule(t, clamp(backoff, firstRetry, MAX_RETRY));
  }

  private void count(String result) {
    registry.counter("cdn_tls_ocsp_fetches", "result", result).increment();
  }

  private synchronized void schedule(Tracked t, Duration delay) {
    if (t.stopped) {
      return;
    }
    t.nextFetch = clock.instant().plus(delay);
    t.timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> fetch(t));
  }

  private static Duration clamp(Duration d, Duration min, Duration max) {
    return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
  }

  /** One certificate's OCSP state; fields written on the event loop, read by handshakes. */
  private static final class Tracked {
    final String name;
    final OcspQuery query;
    final String reason;
    volatile OcspQuery.Answer answer;
    volatile String status = "pending";
    volatile Instant lastFetch;
    volatile Instant nextFetch;
    volatile int failures;
    volatile String lastError;
    volatile boolean stopped;
    long timer = -1;

    Tracked(String name, X509Certificate[] chain) {
      this.name = name;
      OcspQuery q = null;
      String why = null;
      try {
        q = OcspQuery.of(chain);
      } catch (IllegalArgumentException e) {
        why = e.getMessage();
      }
      this.query = q;
      this.reason = why;
    }

    void stop(Vertx vertx) {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
  }
}
