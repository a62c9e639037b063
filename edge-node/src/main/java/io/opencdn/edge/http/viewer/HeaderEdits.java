package io.opencdn.edge.http.viewer;

import io.netty.util.AsciiString;
import io.opencdn.common.distribution.ResponseHeadersPolicy;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link ResponseHeadersPolicy} compiled once per activated version into the header edits the
 * edge makes on a response: names and values as pre-encoded {@link AsciiString}s, split into the
 * static part ({@link #applyStatic}: security and custom headers, removals, CORS for any origin),
 * which depends only on the stored response and so is kept in a hit's prepared header block, and
 * the per-request part ({@link #applyPerRequest}: CORS for listed origins, {@code Server-Timing}).
 *
 * <p>Every static edit first reads and writes only when the header block differs, so applying them
 * to a block that already has them (a hit's prepared block) writes nothing and the shared read-only
 * block is not copied.
 */
public final class HeaderEdits {

  private static final AsciiString ACAO = AsciiString.cached("Access-Control-Allow-Origin");
  private static final AsciiString ACAC = AsciiString.cached("Access-Control-Allow-Credentials");
  private static final AsciiString ACEH = AsciiString.cached("Access-Control-Expose-Headers");
  private static final AsciiString ACAM = AsciiString.cached("Access-Control-Allow-Methods");
  private static final AsciiString ACAH = AsciiString.cached("Access-Control-Allow-Headers");
  private static final AsciiString ACMA = AsciiString.cached("Access-Control-Max-Age");
  private static final AsciiString VARY = AsciiString.cached("Vary");
  private static final AsciiString SERVER_TIMING = AsciiString.cached("Server-Timing");
  private static final AsciiString STAR = AsciiString.cached("*");
  private static final AsciiString TRUE = AsciiString.cached("true");

  private final ResponseHeadersPolicy policy;
  private final AsciiString[] set;
  private final boolean[] override;
  private final AsciiString[] remove;
  private final ResponseHeadersPolicy.Cors cors;
  private final boolean listedOrigins;
  private final AsciiString expose;
  private final AsciiString methods;
  private final AsciiString allowHeaders;
  private final AsciiString maxAge;
  private volatile AsciiString hitLabel;

  /** Compiles {@code policy}. */
  public HeaderEdits(ResponseHeadersPolicy policy) {
    this.policy = policy;
    this.cors = policy.cors();
    List<AsciiString> s = new ArrayList<>();
    List<Boolean> o = new ArrayList<>();
    if (cors != null && cors.anyOrigin()) {
      s.add(ACAO);
      s.add(STAR);
      o.add(cors.originOverride());
    }
    if (cors != null && cors.anyOrigin() && !cors.exposeHeaders().isEmpty()) {
      s.add(ACEH);
      s.add(AsciiString.cached(String.join(", ", cors.exposeHeaders())));
      o.add(cors.originOverride());
    }
    for (ResponseHeadersPolicy.HeaderRule r : policy.headers()) {
      s.add(AsciiString.cached(r.name()));
      s.add(AsciiString.cached(r.value()));
      o.add(r.override());
    }
    this.set = s.toArray(new AsciiString[0]);
    this.override = new boolean[o.size()];
    for (int i = 0; i < o.size(); i++) {
      override[i] = o.get(i);
    }
    this.remove = policy.remove().stream().map(AsciiString::cached).toArray(AsciiString[]::new);
    this.listedOrigins = cors != null && !cors.anyOrigin();
    this.expose =
        cors == null || cors.exposeHeaders().isEmpty()
            ? null
            : AsciiString.cached(String.join(", ", cors.exposeHeaders()));
    this.methods =
        cors == null || cors.allowMethods().isEmpty()
            ? null
            : AsciiString.cached(String.join(", ", cors.allowMethods()));
    this.allowHeaders =
        cors == null || cors.allowHeaders().isEmpty()
            ? null
            : AsciiString.cached(String.join(", ", cors.allowHeaders()));
    this.maxAge =
        cors == null || cors.maxAgeSec() < 0 ? null : AsciiString.cached("" + cors.maxAgeSec());
  }

  /** The policy compiled. */
  public ResponseHeadersPolicy policy() {
    return policy;
  }

  /**
   * The X-Cache label of hits under this policy: equal to {@code base} but an instance of its own,
   * so a hit's prepared header block (kept per label by identity) is never shared between a
   * behavior with and one without the policy.
   */
  public AsciiString hitLabel(AsciiString base) {
    AsciiString l = hitLabel;
    if (l == null || !l.contentEquals(base)) {
      l = new AsciiString(base.toByteArray(), false);
      hitLabel = l;
    }
    return l;
  }

  /** The edits that depend only on the response: security and custom headers, removals. */
  public void applyStatic(MultiMap h) {
    for (int i = 0, r = 0; i < set.length; i += 2, r++) {
      AsciiString name = set[i];
      AsciiString value = set[i + 1];
      String current = h.get(name);
      if (current == null) {
        h.add(name, value);
      } else if (override[r] && !value.contentEquals(current)) {
        h.set(name, value);
      }
    }
    for (AsciiString name : remove) {
      if (h.contains(name)) {
        h.remove(name);
      }
    }
    if (listedOrigins) {
      String vary = h.get(VARY);
      if (vary == null) {
        h.add(VARY, "Origin");
      } else if (!vary.toLowerCase(Locale.ROOT).contains("origin") && !vary.equals("*")) {
        h.set(VARY, vary + ", Origin");
      }
    }
  }

  /** Whether {@link #applyPerRequest} may write anything. */
  public boolean perRequest() {
    return listedOrigins || policy.serverTiming() > 0;
  }

  /**
   * The edits of one request: CORS for a listed {@code origin} (the request's {@code Origin}, may
   * be null), and {@code Server-Timing} ({@code cdn-cache-hit}, {@code cdn-cache-miss}, ... from
   * {@code xCache}, the edge, and the time from the request's arrival to its response head) for the
   * sampled share of responses.
   */
  public void applyPerRequest(MultiMap h, String origin, String xCache, long startNanos) {
    if (listedOrigins && origin != null && cors.allowOrigins().contains(origin)) {
      if (cors.originOverride() || !h.contains(ACAO)) {
        h.set(ACAO, origin);
        if (cors.allowCredentials()) {
          h.set(ACAC, TRUE);
        }
        if (expose != null) {
          h.set(ACEH, expose);
        }
      }
    }
    double rate = policy.serverTiming();
    if (rate > 0 && (rate >= 100 || ThreadLocalRandom.current().nextDouble(100) < rate)) {
      h.add(SERVER_TIMING, serverTiming(xCache, (System.nanoTime() - startNanos) / 1e6));
    }
  }

  /**
   * The {@code Server-Timing} value (CloudFront's metric names): the cache status, the edge ({@code
   * cdn-pop}) and {@code cdn-edge;dur=} milliseconds spent at the edge until the response head.
   */
  static String serverTiming(String xCache, double millis) {
    String status = "cdn-cache-miss";
    String edge = "";
    if (xCache != null) {
      if (xCache.startsWith("Hit")) {
        status = "cdn-cache-hit";
      } else if (xCache.startsWith("RefreshHit")) {
        status = "cdn-cache-refresh";
      } else if (xCache.startsWith("Error")) {
        status = "cdn-cache-error";
      }
      int from = xCache.indexOf(" from ");
      if (from > 0) {
        int end = xCache.indexOf(' ', from + 6);
        edge = xCache.substring(from + 6, end < 0 ? xCache.length() : end);
      }
    }
    long tenths = Math.max(0, Math.round(millis * 10));
    StringBuilder s = new StringBuilder(64).append(status);
    if (!edge.isEmpty()) {
      s.append(", cdn-pop;desc=\"").append(edge).append('"');
    }
    return s.append(", cdn-edge;dur=")
        .append(tenths / 10)
        .append('.')
        .append(tenths % 10)
        .toString();
  }

  /** Whether the edge answers the preflight itself ({@code preflight: edge}). */
  public boolean answersPreflight() {
    return cors != null && cors.preflightAtEdge();
  }

  /**
   * The headers of the edge's own answer to a CORS preflight ({@code OPTIONS} with {@code Origin}
   * and {@code Access-Control-Request-Method}), or null when the policy refuses it (origin or
   * method not allowed): then the edge answers 403.
   */
  public MultiMap preflight(String origin, String requestMethod, String requestHeaders) {
    boolean originOk = cors.anyOrigin() || cors.allowOrigins().contains(origin);
    boolean methodOk =
        methods != null && cors.allowMethods().contains(requestMethod.toUpperCase(Locale.ROOT));
    if (!originOk || !methodOk) {
      return null;
    }
    MultiMap h = io.vertx.core.http.HttpHeaders.headers();
    h.set(ACAO, cors.anyOrigin() && !cors.allowCredentials() ? STAR : origin);
    if (!cors.anyOrigin()) {
      h.set(VARY, "Origin");
    }
    h.set(ACAM, methods);
    if (allowHeaders != null) {
      boolean star = cors.allowHeaders().contains("*");
      h.set(
          ACAH,
          star && requestHeaders != null && !requestHeaders.isBlank()
              ? requestHeaders
              : allowHeaders);
    }
    if (cors.allowCredentials()) {
      h.set(ACAC, TRUE);
    }
    if (maxAge != null) {
      h.set(ACMA, maxAge);
    }
    return h;
  }

  /** Whether {@code method}, {@code origin} and the preflight header make a CORS preflight. */
  public static boolean isPreflight(String method, String origin, String requestMethod) {
    return "OPTIONS".equals(method) && origin != null && requestMethod != null;
  }
}
