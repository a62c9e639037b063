package io.opencdn.common.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The parts of a cache key a {@link CachePolicy} adds to host and path: the query string parameters
 * it selects (in the order the client sent them), and the values of the headers and cookies it
 * selects (sorted by name), written after a {@code #}, which never occurs in a request target, so
 * two keys differ exactly when the selected values differ.
 */
public final class CacheKeyParts {

  private CacheKeyParts() {}

  /**
   * The key target: {@code path}, {@code ?} and the selected parameters, then {@code
   * #h:name=value,...;c:name=value,...} when the policy selects headers or cookies.
   *
   * @param rawQuery the query without {@code ?}, or null
   * @param header a request header's values joined with {@code ,} by name, null when absent
   */
  public static String target(
      CachePolicy policy, String path, String rawQuery, Function<String, String> header) {
    StringBuilder b = new StringBuilder(path);
    String q = query(rawQuery, policy.queryStrings(), Selection.NONE);
    if (!q.isEmpty()) {
      b.append('?').append(q);
    }
    String extra = extras(policy, header);
    if (!extra.isEmpty()) {
      b.append('#').append(extra);
    }
    return b.toString();
  }

  /** The parameters of {@code rawQuery} either selection includes, in their order; "" for none. */
  public static String query(String rawQuery, Selection one, Selection other) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    if (one.kind() == Selection.Kind.ALL || other.kind() == Selection.Kind.ALL) {
      return rawQuery;
    }
    List<String> kept = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (one.includes(name, false) || other.includes(name, false)) {
        kept.add(pair);
      }
    }
    return String.join("&", kept);
  }

  /** The header and cookie part, "" when the policy selects none that are present. */
  static String extras(CachePolicy policy, Function<String, String> header) {
    StringBuilder b = new StringBuilder();
    if (policy.headers().kind() == Selection.Kind.ALLOW) {
      TreeMap<String, String> h = new TreeMap<>();
      for (String name : policy.headers().names()) {
        String v = header.apply(name);
        if (v != null) {
          h.put(name.toLowerCase(Locale.ROOT), v);
        }
      }
      append(b, "h:", h);
    }
    if (policy.cookies().kind() != Selection.Kind.NONE) {
      TreeMap<String, String> c = new TreeMap<>();
      cookies(header.apply("Cookie"))
          .forEach(
              (n, v) -> {
                if (policy.cookies().includes(n, false)) {
                  c.put(n, v);
                }
              });
      if (!c.isEmpty()) {
        b.append(b.length() == 0 ? "" : ";");
      }
      append(b, "c:", c);
    }
    return b.toString();
  }

  private static void append(StringBuilder b, String tag, Map<String, String> values) {
    if (values.isEmpty()) {
      return;
    }
    b.append(tag);
    boolean first = true;
    for (Map.Entry<String, String> e : values.entrySet()) {
      b.append(first ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
      first = false;
    }
  }

  /**
   * The cookies of a {@code Cookie} header value (RFC 6265 5.4), in order; later duplicates win.
   */
  public static Map<String, String> cookies(String cookieHeader) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (cookieHeader == null) {
      return out;
    }
    for (String part : cookieHeader.split("[;,]")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq > 0) {
        out.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
      }
    }
    return out;
  }
}
