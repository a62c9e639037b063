package io.opencdn.origin.gen;

import io.vertx.core.MultiMap;

/**
 * What a {@code /gen/...} request asks for, parsed from its query string. Unknown parameters are
 * ignored (so {@code ?v=2} cache busters work); a malformed known parameter is a {@link
 * BadParameterException} whose message is sent back with a 400.
 *
 * @param size body length in bytes, {@code size=} (default 1024, at most 1 GiB)
 * @param cacheControl {@code Cache-Control} value, {@code cc=} (default {@code max-age=60}; empty:
 *     no header)
 * @param delayMillis wait before the response head is sent, {@code delay=} (0..600000)
 * @param status response status, {@code status=} (200..599, default 200); conditional and range
 *     requests are only evaluated for 200
 * @param vary request header named in {@code Vary}, {@code vary=}; its value is mixed into the body
 *     seed and the ETag, so each variant has distinct bytes
 * @param lastModified {@code Last-Modified} in epoch seconds, {@code lm=} (default {@link
 *     #DEFAULT_LAST_MODIFIED})
 * @param chunked send with {@code Transfer-Encoding: chunked} instead of Content-Length, {@code
 *     chunked=1}
 * @param truncate when not negative, declare the full Content-Length but close the connection after
 *     this many body bytes, {@code truncate=} (must be smaller than size)
 * @param etag send an ETag ({@code etag=0} omits it, to exercise Last-Modified validation)
 * @param contentType {@code Content-Type}, {@code type=} (default application/octet-stream)
 * @param surrogateKey {@code Surrogate-Key} value (space-separated keys a CDN can purge by), {@code
 *     sk=}; none by default
 */
public record SyntheticSpec(
    long size,
    String cacheControl,
    long delayMillis,
    int status,
    String vary,
    long lastModified,
    boolean chunked,
    long truncate,
    boolean etag,
    String contentType,
    String surrogateKey) {

  /** Largest {@code size=}: 1 GiB. */
  public static final long MAX_SIZE = 1L << 30;

  /** Largest {@code delay=}: 10 minutes. */
  public static final long MAX_DELAY_MILLIS = 600_000;

  /** {@code Last-Modified} when {@code lm=} is absent: 2023-11-14T22:13:20Z (fixed, for tests). */
  public static final long DEFAULT_LAST_MODIFIED = 1_700_000_000L;

  public static final long DEFAULT_SIZE = 1024;
  public static final String DEFAULT_CACHE_CONTROL = "max-age=60";

  /** A malformed query parameter; the message says which and what was expected. */
  public static final class BadParameterException extends IllegalArgumentException {
    BadParameterException(String name, String expected, String actual) {
      super("parameter '" + name + "': expected " + expected + ", got '" + actual + "'");
    }
  }

  /** Parses the query parameters of a request. */
  public static SyntheticSpec parse(MultiMap params) {
    long size =
        number(
            params, "size", DEFAULT_SIZE, 0, MAX_SIZE, "a byte count 0.." + MAX_SIZE + " (1 GiB)");
    String cc = params.get("cc");
    long delay =
        number(params, "delay", 0, 0, MAX_DELAY_MILLIS, "milliseconds 0.." + MAX_DELAY_MILLIS);
    int status = (int) number(params, "status", 200, 200, 599, "a status code 200..599");
    String vary = params.get("vary");
    if (vary != null && !vary.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
      throw new BadParameterException("vary", "a header name", vary);
    }
    long lm = number(params, "lm", DEFAULT_LAST_MODIFIED, 0, 253_402_300_799L, "epoch seconds");
    boolean chunked = flag(params, "chunked", false);
    long truncate =
        number(
            params,
            "truncate",
            -1,
            0,
            Math.max(0, size - 1),
            "a byte count smaller than size (" + size + ")");
    if (truncate >= 0 && size == 0) {
      throw new BadParameterException("truncate", "size > 0", params.get("truncate"));
    }
    boolean etag = flag(params, "etag", true);
    String type = params.get("type");
    if (cc != null && cc.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new BadParameterException("cc", "a header value without control characters", cc);
    }
    if (type != null
        && !type.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+/[A-Za-z0-9!#$%&'*+.^_`|~-]+( *;[ -~]*)?")) {
      throw new BadParameterException("type", "a media type like text/plain", type);
    }
    String sk = params.get("sk");
    if (sk != null && !sk.matches("[!-~]+( [!-~]+)*")) {
      throw new BadParameterException("sk", "space-separated surrogate keys of visible ASCII", sk);
    }
    return new SyntheticSpec(
        size,
        cc == null ? DEFAULT_CACHE_CONTROL : cc,
        delay,
        status,
        vary,
        lm,
        chunked,
        truncate,
        etag,
        type == null ? "application/octet-stream" : type,
        sk);
  }

  private static long number(
      MultiMap params, String name, long dflt, long min, long max, String expected) {
    String v = params.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < min || n > max) {
        throw new BadParameterException(name, expected, v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new BadParameterException(name, expected, v);
    }
  }

  private static boolean flag(MultiMap params, String name, boolean dflt) {
    String v = params.get(name);
    if (v == null) {
      return dflt;
    }
    return switch (v) {
      case "1", "true", "yes" -> true;
      case "0", "false", "no" -> false;
      default -> throw new BadParameterException(name, "1 or 0", v);
    };
  }
}
