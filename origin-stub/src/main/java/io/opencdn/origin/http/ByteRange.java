package io.opencdn.origin.http;

/**
 * A single byte range of a representation, parsed from a {@code Range} header (RFC 9110 §14.1.2).
 * Only one range is honoured: a header with several ranges, another unit or invalid syntax is
 * ignored and the full representation is served, as RFC 9110 §14.2 allows.
 *
 * @param first offset of the first byte
 * @param last offset of the last byte (inclusive)
 */
public record ByteRange(long first, long last) {

  /** Marker for a syntactically valid range that selects no byte: answer 416. */
  public static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  /**
   * The range selected by {@code header} in a representation of {@code size} bytes; {@code null}
   * when the header is absent or must be ignored; {@link #UNSATISFIABLE} for 416.
   */
  public static ByteRange parse(String header, long size) {
    if (header == null) {
      return null;
    }
    String h = header.trim();
    if (!h.regionMatches(true, 0, "bytes=", 0, 6) || h.indexOf(',') >= 0) {
      return null;
    }
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    Long a = number(spec.substring(0, dash).trim());
    Long b = number(spec.substring(dash + 1).trim());
    if (dash == 0) {
      if (b == null) {
        return null;
      }
      return b == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - b), size - 1);
    }
    if (a == null || (b == null && dash != spec.length() - 1) || (b != null && b < a)) {
      return null;
    }
    if (a >= size) {
      return UNSATISFIABLE;
    }
    return new ByteRange(a, b == null ? size - 1 : Math.min(b, size - 1));
  }

  /** Number of bytes selected. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value of a 206 for this range: {@code bytes 0-99/1000}. */
  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  private static Long number(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(s);
  }
}
