package io.opencdn.edge.http;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte ranges of a stored body (RFC 9110 section 14): parsing {@code Range: bytes=...} into
 * satisfiable ranges, and the {@code multipart/byteranges} body of a multi-range 206. A syntax
 * error, a unit other than {@code bytes} or more than {@link #MAX_RANGES} ranges makes the
 * header ignored (the full 200 is served), as section 14.2 allows.
 */
final class Ranges {

  /** More ranges than this in one request are ignored (a cheap guard against range abuse). */
  static final int MAX_RANGES = 16;

  /** One satisfiable range, inclusive bounds. */
  record Range(long first, long last) {
    long length() {
      return last - first + 1;
    }

    String contentRange(long total) {
      return "bytes " + first + "-" + last + "/" + total;
    }
  }

  /** Parse result: {@code null} = ignore the header; empty list = unsatisfiable (416). */
  static List<Range> parse(String header, long length) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String[] specs = h.substring(6).split(",");
    if (specs.length > MAX_RANGES) {
      return null;
    }
    List<Range> out = new ArrayList<>();
    for (String spec : specs) {
      String s = spec.trim();
      int dash = s.indexOf('-');
      if (dash < 0) {
        return null;
      }
      String a = s.substring(0, dash).trim();
      String b = s.substring(dash + 1).trim();
      if (!digits(a) && !a.isEmpty() || !digits(b) && !b.isEmpty() || a.isEmpty() && b.isEmpty()) {
        return null;
      }
      if (a.isEmpty()) {
        long suffix = parse(b);
        if (suffix > 0 && length > 0) {
          out.add(new Range(Math.max(0, length - suffix), length - 1));
        }
        continue;
      }
      long first = parse(a);
      long last = b.isEmpty() ? Long.MAX_VALUE : parse(b);
      if (last < first) {
        return null;
      }
      if (first < length) {
        out.add(new Range(first, Math.min(last, length - 1)));
      }
    }
    return out;
  }

  /** The body of a {@code multipart/byteranges} response (RFC 9110 section 14.6). */
  static Buffer multipart(Buffer body, List<Range> ranges, String contentType, String boundary) {
    Buffer out = Buffer.buffer();
    for (Range r : ranges) {
      out.appendString("\r\n--" + boundary + "\r\n");
      if (contentType != null) {
        out.appendString("Content-Type: " + contentType + "\r\n");
      }
      out.appendString("Content-Range: " + r.contentRange(body.length()) + "\r\n\r\n");
      out.appendBuffer(body.slice((int) r.first(), (int) r.last() + 1));
    }
    return out.appendString("\r\n--" + boundary + "--\r\n");
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static long parse(String s) {
    return Long.parseLong(s);
  }
}
