package io.opencdn.edge.cache;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Several stored responses per URL, selected by {@code Vary} (RFC 9111 section 4.1).
 *
 * <p>A response without {@code Vary} is stored under the primary {@link CacheKey} as before. A
 * response with {@code Vary} is stored under a secondary key (the primary key plus the normalised
 * values of the selecting request headers, {@link #variantOf}), and the primary key holds a small
 * <em>variant index</em>: a {@link CachedResponse} with status {@value #INDEX_STATUS} whose headers
 * are the {@code Vary} field names and the variants stored, oldest first. A lookup reads the
 * primary key; when it finds an index it reads the secondary key the request selects. At most
 * {@value #MAX_VARIANTS} variants are kept per URL: storing one more drops the oldest. A response
 * whose {@code Vary} names other fields than the index replaces the index and drops the old
 * variants; one without {@code Vary} does the same. {@code Vary: *} never gets here (not storable,
 * {@link CachePolicy}).
 *
 * <p>Invalidating a primary key in a tier ({@link ResponseCache#invalidate}) removes its variants
 * too; purges match host and target, which every variant shares with its primary key.
 */
public final class Variants {

  /** Most variants kept per URL. */
  public static final int MAX_VARIANTS = 16;

  /** Status of a variant index entry (never served). */
  public static final int INDEX_STATUS = 0;

  /** Index header listing one stored variant. */
  static final String VARIANT_FIELD = "X-Cdn-Variant";

  /** Longest readable variant string; longer ones are hashed. */
  private static final int MAX_READABLE = 160;

  private static final List<String> ACCEPT_ENCODING = List.of("accept-encoding");
  private static final String AE_BR = "accept-encoding=br";
  private static final String AE_GZIP = "accept-encoding=gzip";
  private static final String AE_IDENTITY = "accept-encoding=";

  private Variants() {}

  /**
   * What a lookup found.
   *
   * @param key the key the response for this request is (or would be) stored under: the primary
   *     key, or the secondary key of the request's variant when the URL has a variant index
   * @param response the stored response matching the request, or null
   */
  public record Lookup(CacheKey key, CachedResponse response) {}

  /** The stored response for {@code primary} that the request selects (never an index). */
  public static Future<Lookup> lookup(
      ResponseCache cache, CacheKey primary, MultiMap requestHeaders) {
    Future<CachedResponse> first = cache.get(primary);
    if (first.succeeded() && (first.result() == null || !first.result().isVariantIndex())) {
      // the common case (no Vary, memory tier): no recover/compose chain
      return Future.succeededFuture(new Lookup(primary, first.result()));
    }
    if (first.succeeded()) {
      // an index in memory (compressed URLs: every hit): its variant too, without a chain
      CacheKey vk = primary.withVariant(variantOf(indexNames(first.result()), requestHeaders));
      Future<CachedResponse> second = cache.get(vk);
      if (second.succeeded()) {
        return Future.succeededFuture(new Lookup(vk, selected(second.result(), requestHeaders)));
      }
    }
    return lookupIndexed(cache, primary, requestHeaders, first);
  }

  private static CachedResponse selected(CachedResponse v, MultiMap requestHeaders) {
    return v != null && !v.isVariantIndex() && v.matchesVary(requestHeaders) ? v : null;
  }

  private static Future<Lookup> lookupIndexed(
      ResponseCache cache,
      CacheKey primary,
      MultiMap requestHeaders,
      Future<CachedResponse> first) {
    return first
        .recover(t -> Future.succeededFuture())
        .compose(
            r -> {
              if (r == null || !r.isVariantIndex()) {
                return Future.succeededFuture(new Lookup(primary, r));
              }
              CacheKey vk = primary.withVariant(variantOf(indexNames(r), requestHeaders));
              return cache
                  .get(vk)
                  .recover(t -> Future.succeededFuture())
                  .map(v -> new Lookup(vk, selected(v, requestHeaders)));
            });
  }

  /**
   * Stores {@code response}, selected by {@code requestHeaders}, for the URL of {@code primary}:
   * under the primary key without {@code Vary}, else under its secondary key with the index
   * updated. Yields the key it was stored under.
   */
  public static Future<CacheKey> store(
      ResponseCache cache, CacheKey primary, MultiMap requestHeaders, CachedResponse response) {
    CacheKey p = primary.primary();
    List<String> names = varyNames(response.headers());
    return cache
        .get(p)
        .recover(t -> Future.succeededFuture())
        .compose(
            current -> {
              boolean indexed = current != null && current.isVariantIndex();
              if (names.isEmpty()) {
                Future<Void> clear = indexed ? cache.invalidate(p) : Future.succeededFuture();
                return clear.compose(v -> cache.put(p, response)).map(p);
              }
              String variant = variantOf(names, requestHeaders);
              CacheKey vk = p.withVariant(variant);
              List<String> listed = new ArrayList<>();
              Future<Void> clear = Future.succeededFuture();
              long keepMillis = 0;
              if (indexed && indexNames(current).equals(names)) {
                listed.addAll(indexVariants(current));
                keepMillis = current.remainingFreshMillis(response.responseTimeMillis());
              } else if (indexed) {
                clear =
                    cache.invalidate(
                        p); // other selecting fields: the old variants cannot be selected any more
              }
              listed.remove(variant);
              listed.add(variant);
              List<CacheKey> dropped = new ArrayList<>();
              while (listed.size() > MAX_VARIANTS) {
                dropped.add(p.withVariant(listed.remove(0)));
              }
              CachedResponse index = index(names, listed, response, keepMillis);
              return clear
                  .compose(v -> cache.put(vk, response))
                  .compose(v -> cache.put(p, index))
                  .compose(v -> Future.all(dropped.stream().map(cache::invalidate).toList()))
                  .map(vk);
            });
  }

  /** The field names of the response's {@code Vary}, lower case, sorted, without duplicates. */
  public static List<String> varyNames(List<Map.Entry<String, String>> headers) {
    TreeSet<String> names = new TreeSet<>();
    for (Map.Entry<String, String> e : headers) {
      if (e.getKey().equalsIgnoreCase("Vary")) {
        for (String n : e.getValue().split(",")) {
          String name = n.trim().toLowerCase(Locale.ROOT);
          if (!name.isEmpty()) {
            names.add(name);
          }
        }
      }
    }
    return List.copyOf(names);
  }

  /**
   * The variant a request selects among responses varying on {@code names}: each name with the
   * request's value ({@link #selectingValue}, so {@code Accept-Encoding} is normalised),
   * URL-encoded, joined with {@code &}; hashed (SHA-256) when long.
   */
  public static String variantOf(List<String> names, MultiMap requestHeaders) {
    if (names.equals(ACCEPT_ENCODING)) {
      // what compressed URLs vary on: three constant variants, no encoding or hashing per hit
      String coding = selectingValue(requestHeaders, "accept-encoding");
      return coding.equals("br") ? AE_BR : coding.equals("gzip") ? AE_GZIP : AE_IDENTITY;
    }
    StringBuilder b = new StringBuilder();
    for (String n : names) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(n)
          .append('=')
          .append(URLEncoder.encode(selectingValue(requestHeaders, n), StandardCharsets.UTF_8));
    }
    if (b.length() <= MAX_READABLE) {
      return b.toString();
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The values of the request headers a response's {@code Vary} names (lower-case names, {@link
   * #selectingValue}, missing headers as empty strings): what a stored variant is selected by.
   */
  static Map<String, String> selectingValues(MultiMap responseHeaders, MultiMap requestHeaders) {
    Map<String, String> values = new TreeMap<>();
    for (String vary : responseHeaders.getAll("Vary")) {
      for (String name : vary.split(",")) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (!n.isEmpty()) {
          values.put(n, selectingValue(requestHeaders, n));
        }
      }
    }
    return values;
  }

  /**
   * The value of request header {@code name} (lower case) as Vary matching compares it: all field
   * lines joined with commas, trimmed, {@code Accept-Encoding} normalised ({@link
   * #normalizeAcceptEncoding}); empty when absent.
   */
  public static String selectingValue(MultiMap headers, String name) {
    String v = String.join(",", headers.getAll(name)).trim();
    return name.equals("accept-encoding") ? normalizeAcceptEncoding(v) : v;
  }

  /**
   * Normalises {@code Accept-Encoding} to the one coding this cache distinguishes: {@code br}, else
   * {@code gzip}, else empty (identity), so that the many spellings browsers send share one
   * variant. A coding listed with {@code q=0} does not count ({@link
   * io.opencdn.common.distribution.Compression#preferredCoding}).
   */
  public static String normalizeAcceptEncoding(String value) {
    return io.opencdn.common.distribution.Compression.preferredCoding(value);
  }

  /** The {@code Vary} names of an index. */
  public static List<String> indexNames(CachedResponse index) {
    // index() writes the names lower case, joined with ", ": the one name of compressed URLs
    return "accept-encoding".equals(index.header("Vary"))
        ? ACCEPT_ENCODING
        : varyNames(index.headers());
  }

  /** The variants an index lists, oldest first. */
  public static List<String> indexVariants(CachedResponse index) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : index.headers()) {
      if (e.getKey().equalsIgnoreCase(VARIANT_FIELD)) {
        out.add(e.getValue());
      }
    }
    return out;
  }

  /**
   * An index entry: fresh as long as the newest variant (or {@code keepMillis}, what the previous
   * index had left), with the request and response times of that variant.
   */
  static CachedResponse index(
      List<String> names, List<String> variants, CachedResponse newest, long keepMillis) {
    List<Map.Entry<String, String>> h = new ArrayList<>();
    h.add(Map.entry("Vary", String.join(", ", names)));
    for (String v : variants) {
      h.add(Map.entry(VARIANT_FIELD, v));
    }
    String born = newest.header("X-Cdn-Born");
    if (born != null) {
      h.add(Map.entry("X-Cdn-Born", born));
    }
    long at = newest.responseTimeMillis();
    long remaining = Math.max(newest.remainingFreshMillis(at), keepMillis);
    CachedResponse probe =
        new CachedResponse(
            INDEX_STATUS, h, Buffer.buffer(), newest.requestTimeMillis(), at, 0, Map.of());
    long lifetime = probe.currentAgeSeconds(at) + (remaining + 999) / 1000;
    return new CachedResponse(
        INDEX_STATUS, h, Buffer.buffer(), newest.requestTimeMillis(), at, lifetime, Map.of());
  }
}
