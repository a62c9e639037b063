package io.opencdn.edge.cache;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A stored response: status, end-to-end headers, the complete body and the times needed for the age
 * calculation of RFC 9111 section 4.2.3. Immutable; the header list is a copy. Everything the hit
 * path asks of a stored response per request (the corrected initial age, validators, the directives
 * of this tier, the headers to send as wire-ready {@link AsciiString}s) is derived once when the
 * entry is built, not per request.
 */
public final class CachedResponse {

  private static final int HEADER_OVERHEAD = 32;
  private static final int ENTRY_OVERHEAD = 512;

  private final int status;
  private final List<Map.Entry<String, String>> headers;
  private final Buffer body;
  private final long requestTimeMillis;
  private final long responseTimeMillis;
  private final long freshnessLifetimeSeconds;
  private final Map<String, String> varyValues;
  // derived once from the above (RFC 9111 4.2.3 corrected_initial_age, validators, directives)
  private final long correctedInitialAgeMillis;
  private final String etag;
  private final long lastModifiedMillis;
  private final boolean mustRevalidate;
  private final long staleWhileRevalidate;
  private final long staleIfError;

  /** The headers a client gets from a hit, built on the first hit (benign race: same content). */
  private ClientHeaders clientHeaders;

  /** The HTTP stage's pre-built hit header block ({@link #hitHeaders()}), or null. */
  private HitHeaders hitHeaders;

  /** Where the body lies in a disk-tier file when it is not held in memory, else null. */
  private BodyFile bodyFile;

  /**
   * The body of a large disk-tier entry: {@code length} bytes at {@code offset} of {@code path}.
   * Such an entry's {@link #body()} is empty; it is served from the file and never kept in memory.
   */
  public record BodyFile(java.nio.file.Path path, long offset, long length) {}

  /**
   * A stored response.
   *
   * @param status response status
   * @param headers end-to-end response headers as received (hop-by-hop ones already removed)
   * @param body the complete body
   * @param requestTimeMillis clock time the origin request was sent ({@code request_time})
   * @param responseTimeMillis clock time the response was received ({@code response_time})
   * @param freshnessLifetimeSeconds lifetime from {@link CachePolicy#storableLifetime}
   * @param varyValues request header values named by the response's {@code Vary} (lower-case names,
   *     missing headers as empty strings); a request matches only with the same values
   */
  public CachedResponse(
      int status,
      List<Map.Entry<String, String>> headers,
      Buffer body,
      long requestTimeMillis,
      long responseTimeMillis,
      long freshnessLifetimeSeconds,
      Map<String, String> varyValues) {
    Objects.requireNonNull(body, "body");
    this.status = status;
    this.headers = List.copyOf(headers);
    this.body = body;
    this.requestTimeMillis = requestTimeMillis;
    this.responseTimeMillis = responseTimeMillis;
    this.freshnessLifetimeSeconds = freshnessLifetimeSeconds;
    this.varyValues = Map.copyOf(varyValues);
    long dateValue = HttpDates.parse(header("Date"));
    long apparentAge = dateValue < 0 ? 0 : Math.max(0, responseTimeMillis - dateValue);
    long ageValue = parseAge(header("Age")) * 1000;
    long responseDelay = Math.max(0, responseTimeMillis - requestTimeMillis);
    this.correctedInitialAgeMillis = Math.max(apparentAge, ageValue + responseDelay);
    this.etag = header("ETag");
    this.lastModifiedMillis = HttpDates.parse(header("Last-Modified"));
    CacheControl cc = cacheControl();
    this.mustRevalidate =
        cc.has("must-revalidate")
            || cc.has("proxy-revalidate")
            || cc.has("no-cache")
            || (cc.has("s-maxage")
                && !cc.has("stale-if-error")
                && !cc.has("stale-while-revalidate"));
    this.staleWhileRevalidate = cc.seconds("stale-while-revalidate");
    this.staleIfError = cc.seconds("stale-if-error");
  }

  /** Response status. */
  public int status() {
    return status;
  }

  /** End-to-end response headers as received (immutable). */
  public List<Map.Entry<String, String>> headers() {
    return headers;
  }

  /** The complete body; empty for an entry whose body is in a file ({@link #bodyFile()}). */
  public Buffer body() {
    return body;
  }

  /** The body's location in a disk-tier file, or null when {@link #body()} holds it. */
  public BodyFile bodyFile() {
    return bodyFile;
  }

  /**
   * The body length: of the file slice when {@link #bodyFile()} is set, else of {@link #body()}.
   */
  public long bodyLength() {
    return bodyFile != null ? bodyFile.length() : body.length();
  }

  /** A copy of this (header-only) entry whose body lies in {@code file}. */
  public CachedResponse withBodyFile(BodyFile file) {
    CachedResponse r =
        new CachedResponse(
            status,
            headers,
            Buffer.buffer(),
            requestTimeMillis,
            responseTimeMillis,
            freshnessLifetimeSeconds,
            varyValues);
    r.bodyFile = Objects.requireNonNull(file, "file");
    return r;
  }

  /** Clock time the origin request was sent ({@code request_time}). */
  public long requestTimeMillis() {
    return requestTimeMillis;
  }

  /** Clock time the response was received ({@code response_time}). */
  public long responseTimeMillis() {
    return responseTimeMillis;
  }

  /** Lifetime from {@link CachePolicy#storableLifetime}. */
  public long freshnessLifetimeSeconds() {
    return freshnessLifetimeSeconds;
  }

  /** Request header values named by the response's {@code Vary} (lower-case names). */
  public Map<String, String> varyValues() {
    return varyValues;
  }

  /** Builds an entry from a response that {@link CachePolicy} found storable. */
  public static CachedResponse of(
      int status,
      MultiMap responseHeaders,
      Buffer body,
      MultiMap requestHeaders,
      long requestTimeMillis,
      long responseTimeMillis,
      long freshnessLifetimeSeconds) {
    return new CachedResponse(
        status,
        List.copyOf(responseHeaders.entries()),
        body,
        requestTimeMillis,
        responseTimeMillis,
        freshnessLifetimeSeconds,
        Variants.selectingValues(responseHeaders, requestHeaders));
  }

  /** The first value of a stored header, or null. */
  public String header(String name) {
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * {@code current_age} in seconds at {@code nowMillis} (RFC 9111 section 4.2.3): the corrected
   * initial age (the larger of the apparent age and the origin's Age plus the response delay) plus
   * the time resident in this cache.
   */
  public long currentAgeSeconds(long nowMillis) {
    long residentTime = Math.max(0, nowMillis - responseTimeMillis);
    return (correctedInitialAgeMillis + residentTime) / 1000;
  }

  /** Fresh when the freshness lifetime exceeds the current age (RFC 9111 section 4.2). */
  public boolean isFresh(long nowMillis) {
    return freshnessLifetimeSeconds > currentAgeSeconds(nowMillis);
  }

  /** Milliseconds until the entry turns stale, 0 when it already is. */
  public long remainingFreshMillis(long nowMillis) {
    return Math.max(0, freshnessLifetimeSeconds * 1000 - currentAgeSeconds(nowMillis) * 1000);
  }

  /** Seconds past the freshness lifetime at {@code nowMillis}; negative while fresh. */
  public long stalenessSeconds(long nowMillis) {
    return currentAgeSeconds(nowMillis) - freshnessLifetimeSeconds;
  }

  /** The directives of this tier ({@link CacheControl#forThisTier}) of the stored headers. */
  public CacheControl cacheControl() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase("Cache-Control")
          || e.getKey().equalsIgnoreCase("CDN-Cache-Control")
          || e.getKey().equalsIgnoreCase("Surrogate-Control")) {
        h.add(e.getKey(), e.getValue());
      }
    }
    return CacheControl.forThisTier(h);
  }

  /**
   * True when this response must not be served stale without revalidation (RFC 9111 5.2.2.2,
   * 5.2.2.4, 5.2.2.8 and 5.2.2.10: {@code must-revalidate}, {@code no-cache}, {@code
   * proxy-revalidate} and {@code s-maxage}); an explicit {@code stale-if-error} or {@code
   * stale-while-revalidate} (RFC 5861) next to {@code s-maxage} is the origin's permission.
   */
  public boolean mustRevalidate() {
    return mustRevalidate;
  }

  /**
   * The {@code stale-while-revalidate} window (RFC 5861 section 3), else {@code defaultSeconds}.
   */
  public long staleWhileRevalidateSeconds(long defaultSeconds) {
    return staleWhileRevalidate >= 0 ? staleWhileRevalidate : defaultSeconds;
  }

  /** The {@code stale-if-error} window (RFC 5861 section 4), else {@code defaultSeconds}. */
  public long staleIfErrorSeconds(long defaultSeconds) {
    return staleIfError >= 0 ? staleIfError : defaultSeconds;
  }

  /**
   * True for the variant index a URL with {@code Vary} keeps under its primary key ({@link
   * Variants}).
   */
  public boolean isVariantIndex() {
    return status == Variants.INDEX_STATUS;
  }

  /** The stored entity tag, or null. */
  public String etag() {
    return etag;
  }

  /** The stored Last-Modified as epoch millis, or -1. */
  public long lastModifiedMillis() {
    return lastModifiedMillis;
  }

  /** The stored headers as a new case-insensitive map. */
  public MultiMap headerMap() {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> e : headers) {
      m.add(e.getKey(), e.getValue());
    }
    return m;
  }

  /**
   * The stored headers updated from a {@code 304 Not Modified} (RFC 9111 section 3.2): every field
   * of the 304 replaces the stored fields of that name, except the framing fields.
   */
  public MultiMap headersUpdatedBy(MultiMap notModified) {
    MultiMap merged = headerMap();
    for (String name : notModified.names()) {
      if (name.equalsIgnoreCase("Content-Length")
          || name.equalsIgnoreCase("Transfer-Encoding")
          || name.equalsIgnoreCase("Content-Range")) {
        continue;
      }
      merged.set(name, notModified.getAll(name));
    }
    return merged;
  }

  /**
   * True when the request carries the header values this variant was selected by (RFC 9111 4.1).
   */
  public boolean matchesVary(MultiMap requestHeaders) {
    if (varyValues.isEmpty()) {
      return true;
    }
    for (Map.Entry<String, String> e : varyValues.entrySet()) {
      if (!e.getValue().equals(Variants.selectingValue(requestHeaders, e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Approximate memory footprint in bytes: body, header text, the stored {@code Vary} selecting
   * values and a fixed overhead. The header text counts three times: as stored, as the wire-ready
   * copy of {@link #clientHeaders()} and in the pre-built header block the HTTP stage may keep in
   * {@link #hitHeaders()}. The key's footprint is {@link CacheKey#weight()}.
   */
  public int weight() {
    long w = ENTRY_OVERHEAD + (long) body.length();
    for (Map.Entry<String, String> e : headers) {
      w += 3L * (HEADER_OVERHEAD + e.getKey().length() + e.getValue().length());
    }
    for (Map.Entry<String, String> e : varyValues.entrySet()) {
      w += HEADER_OVERHEAD + 2L * (e.getKey().length() + e.getValue().length());
    }
    return (int) Math.min(Integer.MAX_VALUE, w);
  }

  /**
   * The stored headers a client gets with this response, as wire-ready name and value pairs ({@code
   * [name0, value0, name1, value1, ...]}): all but the framing fields ({@code Content-Length},
   * {@code Transfer-Encoding}: the edge frames the body itself), {@code Age} (recomputed per
   * response) and {@code Surrogate-Control} (for this tier only). Built on the first call and kept;
   * callers must not modify the array.
   */
  public AsciiString[] clientHeaders() {
    ClientHeaders c = clientHeaders;
    if (c == null) {
      c = new ClientHeaders(headers);
      clientHeaders = c;
    }
    return c.pairs();
  }

  /**
   * The header block the HTTP stage built for full hits on this entry ({@link HitHeaders}), or
   * null. Racy by design: a reader on another thread sees either null, an older block or a newer
   * one, each whole (final fields), and checks {@link HitHeaders#holds} before using it.
   */
  public HitHeaders hitHeaders() {
    return hitHeaders;
  }

  /** Keeps {@code block} as this entry's {@link #hitHeaders()}. */
  public void hitHeaders(HitHeaders block) {
    hitHeaders = block;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CachedResponse r
        && status == r.status
        && requestTimeMillis == r.requestTimeMillis
        && responseTimeMillis == r.responseTimeMillis
        && freshnessLifetimeSeconds == r.freshnessLifetimeSeconds
        && headers.equals(r.headers)
        && body.equals(r.body)
        && varyValues.equals(r.varyValues)
        && Objects.equals(bodyFile, r.bodyFile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        status,
        headers,
        body,
        requestTimeMillis,
        responseTimeMillis,
        freshnessLifetimeSeconds,
        varyValues);
  }

  @Override
  public String toString() {
    return "CachedResponse[status="
        + status
        + ", headers="
        + headers
        + ", body="
        + bodyLength()
        + " bytes"
        + (bodyFile == null ? "" : " in " + bodyFile.path())
        + ", requestTimeMillis="
        + requestTimeMillis
        + ", responseTimeMillis="
        + responseTimeMillis
        + ", freshnessLifetimeSeconds="
        + freshnessLifetimeSeconds
        + ", varyValues="
        + varyValues
        + "]";
  }

  private static long parseAge(String age) {
    if (age == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(age.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
