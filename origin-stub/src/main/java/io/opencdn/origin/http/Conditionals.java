package io.opencdn.origin.http;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Conditional request evaluation for GET and HEAD (RFC 9110 §13). Validators are an entity tag
 * (quoted, possibly {@code W/}-prefixed, or null) and a Last-Modified time in epoch seconds.
 */
public final class Conditionals {

  private Conditionals() {}

  /**
   * True when a GET/HEAD should be answered 304 Not Modified (RFC 9110 §13.2.2): {@code
   * If-None-Match} is evaluated with the weak comparison when present; otherwise {@code
   * If-Modified-Since} is compared with {@code lastModified}.
   */
  public static boolean notModified(MultiMap requestHeaders, String etag, long lastModified) {
    String inm = requestHeaders.get("If-None-Match");
    if (inm != null) {
      if (inm.trim().equals("*")) {
        return true;
      }
      return etag != null && tags(inm).stream().anyMatch(t -> opaque(t).equals(opaque(etag)));
    }
    Long since = parseDate(requestHeaders.get("If-Modified-Since"));
    return since != null && lastModified <= since;
  }

  /**
   * True when a {@code Range} header may be honoured (RFC 9110 §13.1.5): no {@code If-Range}, or
   * one that strongly matches the entity tag, or a date equal to Last-Modified.
   */
  public static boolean rangeAllowed(MultiMap requestHeaders, String etag, long lastModified) {
    String ifRange = requestHeaders.get("If-Range");
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return etag != null && !etag.startsWith("W/") && v.equals(etag);
    }
    Long date = parseDate(v);
    return date != null && date == lastModified;
  }

  /** An IMF-fixdate (RFC 9110 §5.6.7): {@code Tue, 14 Nov 2023 22:13:20 GMT}. */
  public static String httpDate(long epochSeconds) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.ofEpochSecond(epochSeconds).atOffset(ZoneOffset.UTC));
  }

  /** Epoch seconds of an HTTP date, or null when absent or malformed (then it is ignored). */
  public static Long parseDate(String value) {
    if (value == null) {
      return null;
    }
    try {
      return DateTimeFormatter.RFC_1123_DATE_TIME
          .parse(value.trim(), Instant::from)
          .getEpochSecond();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** The entity tags of a comma-separated list, each as written ({@code W/"x"} or {@code "x"}). */
  static List<String> tags(String list) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < list.length()) {
      int start = list.indexOf('"', i);
      if (start < 0) {
        break;
      }
      int end = list.indexOf('"', start + 1);
      if (end < 0) {
        break;
      }
      boolean weak = start >= 2 && list.startsWith("W/", start - 2);
      out.add((weak ? "W/" : "") + list.substring(start, end + 1));
      i = end + 1;
    }
    return out;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
