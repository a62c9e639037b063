package io.opencdn.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.opencdn.edge.cache.CachedResponse;
import io.opencdn.edge.cache.HttpDates;
import io.vertx.core.MultiMap;
import java.util.Set;

/**
 * Client conditional requests answered from a stored response (RFC 9110 section 13.2): {@code
 * If-Match} (strong comparison), else {@code If-Unmodified-Since}, that fails makes a GET or HEAD a
 * {@code 412}; then {@code If-None-Match} (weak comparison) takes precedence over {@code
 * If-Modified-Since}; either one that says "not modified" makes a GET or HEAD a {@code 304}. Only
 * stored 2xx responses are subject to preconditions. {@code If-Range} (section 13.1.5) decides
 * whether a Range applies.
 */
final class Conditionals {

  /** Header fields a 304 carries (RFC 9110 section 15.4.5). */
  static final Set<String> NOT_MODIFIED_FIELDS =
      Set.of(
          "cache-control",
          "content-location",
          "date",
          "etag",
          "expires",
          "vary",
          "last-modified",
          "cdn-cache-control");

  private Conditionals() {}

  /**
   * True when a precondition of the request fails against the stored response: answer 412 (RFC 9110
   * 13.2.2 steps 1 and 2, evaluated before {@link #notModified}). {@code If-Match} (13.1.1) fails
   * when none of its entity tags matches the stored {@code ETag} by strong comparison ({@code *}
   * matches any stored representation); without {@code If-Match}, {@code If-Unmodified-Since}
   * (13.1.4) fails when the stored {@code Last-Modified} is later than its date (an invalid date,
   * or no stored {@code Last-Modified}, is ignored). Only stored 2xx responses are subject to
   * preconditions (13.2.1).
   */
  static boolean preconditionFailed(MultiMap request, CachedResponse stored) {
    if (stored.status() < 200 || stored.status() > 299) {
      return false;
    }
    if (request.contains(HttpHeaderNames.IF_MATCH)) {
      String etag = stored.etag();
      String strong = etag == null || etag.trim().startsWith("W/") ? null : etag.trim();
      for (String tag : String.join(",", request.getAll(HttpHeaderNames.IF_MATCH)).split(",")) {
        String t = tag.trim();
        if (t.equals("*") || (strong != null && t.equals(strong))) {
          return false;
        }
      }
      return true;
    }
    long ius = HttpDates.parse(request.get(HttpHeaderNames.IF_UNMODIFIED_SINCE));
    long lastModified = stored.lastModifiedMillis();
    return ius >= 0 && lastModified >= 0 && lastModified > ius;
  }

  /** True when the stored response satisfies the client's validators: answer 304. */
  static boolean notModified(MultiMap request, CachedResponse stored) {
    if (stored.status() < 200 || stored.status() > 299) {
      return false;
    }
    String inm = request.get(HttpHeaderNames.IF_NONE_MATCH);
    if (inm != null) {
      String etag = stored.etag();
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || (etag != null && opaque(t).equals(opaque(etag)))) {
          return true;
        }
      }
      return false;
    }
    long ims = HttpDates.parse(request.get(HttpHeaderNames.IF_MODIFIED_SINCE));
    if (ims < 0) {
      return false;
    }
    long lastModified = stored.lastModifiedMillis();
    long reference = lastModified >= 0 ? lastModified : HttpDates.parse(stored.header("Date"));
    return reference >= 0 && reference <= ims;
  }

  /**
   * True when a Range request may be answered partially: no {@code If-Range}, or one that matches
   * the stored representation (strong comparison for an entity tag, an exact {@code Last-Modified}
   * for a date).
   */
  static boolean ifRangeHolds(MultiMap request, CachedResponse stored) {
    String ifRange = request.get(HttpHeaderNames.IF_RANGE);
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.trim();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      String etag = stored.etag();
      return etag != null && !v.startsWith("W/") && !etag.startsWith("W/") && v.equals(etag.trim());
    }
    long date = HttpDates.parse(v);
    return date >= 0 && date == stored.lastModifiedMillis();
  }

  private static String opaque(String tag) {
    String t = tag.trim();
    return t.startsWith("W/") ? t.substring(2) : t;
  }
}
