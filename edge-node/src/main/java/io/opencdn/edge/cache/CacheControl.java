package io.opencdn.edge.cache;

import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed {@code Cache-Control} directives (RFC 9111 section 5.2). Directive names are
 * case-insensitive; unknown directives are kept and ignored by callers; a malformed delta-seconds
 * value makes {@link #seconds} return -1 (treated as absent, RFC 9111 1.2.2 asks to be robust).
 */
public final class CacheControl {

  private final Map<String, String> directives;

  private CacheControl(Map<String, String> directives) {
    this.directives = directives;
  }

  /** Parses every {@code Cache-Control} field line; an absent header gives no directives. */
  public static CacheControl parse(List<String> headerValues) {
    Map<String, String> map = new HashMap<>();
    for (String value : headerValues) {
      for (String part : splitOutsideQuotes(value)) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        int eq = p.indexOf('=');
        String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
        String arg = eq < 0 ? "" : unquote(p.substring(eq + 1).trim());
        map.putIfAbsent(name, arg);
      }
    }
    return new CacheControl(map);
  }

  /**
   * The directives that govern this tier (RFC 9213): {@code CDN-Cache-Control} when present, else
   * {@code Surrogate-Control} (Edge Architecture 1.0), else {@code Cache-Control}. A targeted field
   * replaces Cache-Control entirely for this cache.
   */
  public static CacheControl forThisTier(MultiMap responseHeaders) {
    List<String> cdn = responseHeaders.getAll("CDN-Cache-Control");
    if (!cdn.isEmpty()) {
      return parse(cdn);
    }
    List<String> surrogate = responseHeaders.getAll("Surrogate-Control");
    if (!surrogate.isEmpty()) {
      return parse(surrogate);
    }
    return parse(responseHeaders.getAll("Cache-Control"));
  }

  /**
   * True when a targeted field ({@code CDN-Cache-Control}, {@code Surrogate-Control}) is present.
   */
  public static boolean targeted(MultiMap responseHeaders) {
    return responseHeaders.contains("CDN-Cache-Control")
        || responseHeaders.contains("Surrogate-Control");
  }

  /** True when the directive is present, with or without an argument. */
  public boolean has(String name) {
    return directives.containsKey(name);
  }

  /** The delta-seconds argument of {@code name}, or -1 when absent or malformed. */
  public long seconds(String name) {
    String v = directives.get(name);
    if (v == null || v.isEmpty() || !v.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return v.length() > 10 ? Integer.MAX_VALUE : Math.min(Long.parseLong(v), Integer.MAX_VALUE);
  }

  private static List<String> splitOutsideQuotes(String s) {
    java.util.ArrayList<String> parts = new java.util.ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(s.substring(start));
    return parts;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1)
        : s;
  }
}
