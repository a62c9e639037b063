package io.opencdn.edge.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte ranges of a stored body (RFC 9110 section 14): parsing {@code Range: bytes=...} into
 * satisfiable ranges, and the {@code multipart/byteranges} body of a multi-range 206.
 *
 * <p>Bounded under any request: the satisfiable ranges are sorted and those that overlap or touch
 * are coalesced into one (RFC 9110 14.6 allows it regardless of their order), so a response never
 * carries a byte twice. A syntax error, a unit other than {@code bytes}, more than {@link
 * #MAX_RANGES} ranges, or ranges whose lengths add up to more than the representation (e.g. {@code
 * bytes=0-,0-,0-}: overlapping ranges, a sign of abuse) make the header ignored: the full 200 is
 * served, as section 14.2 allows and as nginx does. A multipart body is written part by part as the
 * client takes it ({@link Multipart#send}), never assembled in one buffer.
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

  private Ranges() {}

  /**
   * Parse result: {@code null} = ignore the header (serve the full 200); empty list = unsatisfiable
   * (416); else the satisfiable ranges in ascending order, coalesced, never overlapping nor
   * adjacent.
   */
  static List<Range> parse(String header, long length) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
      return null;
    }
    String[] specs = h.substring(6).split(",", MAX_RANGES + 1);
    if (specs.length > MAX_RANGES) {
      return null;
    }
    List<Range> out = new ArrayList<>(specs.length);
    long total = 0;
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
      Range r;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || length <= 0) {
          continue;
        }
        r = new Range(Math.max(0, length - suffix), length - 1);
      } else {
        long first = Long.parseLong(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : Long.parseLong(b);
        if (last < first) {
          return null;
        }
        if (first >= length) {
          continue;
        }
        r = new Range(first, Math.min(last, length - 1));
      }
      if (r.length() > length - total) {
        return null; // the ranges ask for more bytes than the representation has: overlapping abuse
      }
      total += r.length();
      out.add(r);
    }
    return coalesce(out);
  }

  /** Sorts {@code ranges} and merges those that overlap or touch. */
  private static List<Range> coalesce(List<Range> ranges) {
    if (ranges.size() < 2) {
      return ranges;
    }
    ranges.sort((x, y) -> Long.compare(x.first(), y.first()));
    List<Range> out = new ArrayList<>(ranges.size());
    Range cur = ranges.get(0);
    for (int i = 1; i < ranges.size(); i++) {
      Range next = ranges.get(i);
      if (next.first() <= cur.last() + 1) {
        cur = new Range(cur.first(), Math.max(cur.last(), next.last()));
      } else {
        out.add(cur);
        cur = next;
      }
    }
    out.add(cur);
    return out;
  }

  /**
   * The {@code multipart/byteranges} body of several ranges of a stored body (RFC 9110 14.6): the
   * part headers are built up front (so the length is known: the response has a {@code
   * Content-Length}), the parts' bytes are slices of the stored body (no copy), written one part
   * after the other while the client's write queue has room.
   */
  static final class Multipart {
    private final List<Range> ranges;
    private final Buffer[] heads;
    private final Buffer tail;
    private final long length;

    Multipart(List<Range> ranges, long total, String contentType, String boundary) {
      this.ranges = ranges;
      this.heads = new Buffer[ranges.size()];
      long n = 0;
      for (int i = 0; i < heads.length; i++) {
        Range r = ranges.get(i);
        String head =
            "\r\n--"
                + boundary
                + "\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Range: "
                + r.contentRange(total)
                + "\r\n\r\n";
        heads[i] = Buffer.buffer(head.getBytes(StandardCharsets.ISO_8859_1));
        n += heads[i].length() + r.length();
      }
      this.tail =
          Buffer.buffer(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
      this.length = n + tail.length();
    }

    /** The body's length in bytes (its {@code Content-Length}). */
    long length() {
      return length;
    }

    /** Writes the parts of {@code body} to {@code out} with back-pressure, then ends it. */
    void send(HttpServerResponse out, Buffer body) {
      out.putHeader("Content-Length", Long.toString(length));
      sendFrom(0, out, body);
    }

    private void sendFrom(int part, HttpServerResponse out, Buffer body) {
      for (int i = part; i < heads.length; i++) {
        if (out.closed()) {
          return;
        }
        Range r = ranges.get(i);
        out.write(heads[i]);
        out.write(body.slice((int) r.first(), (int) r.last() + 1));
        if (out.writeQueueFull() && i + 1 < heads.length) {
          int next = i + 1;
          out.drainHandler(
              v -> {
                out.drainHandler(null);
                sendFrom(next, out, body);
              });
          return;
        }
      }
      out.end(tail);
    }

    /** The whole body in one buffer (tests). */
    Buffer toBuffer(Buffer body) {
      Buffer b = Buffer.buffer((int) length);
      for (int i = 0; i < heads.length; i++) {
        b.appendBuffer(heads[i])
            .appendBuffer(body.slice((int) ranges.get(i).first(), (int) ranges.get(i).last() + 1));
      }
      return b.appendBuffer(tail);
    }
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }
}
