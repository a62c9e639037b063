package io.opencdn.edge.cache;

/**
 * Normal form of a request target in origin-form ({@code /path?query}), as the cache key and the
 * origin request use it, after RFC 3986 section 6.2.2: percent-encoded unreserved characters
 * ({@code A-Z a-z 0-9 - . _ ~}) are decoded, the hex digits of the remaining escapes are upper
 * case, and dot segments are removed from the path (section 5.2.4). So {@code /a/../b}, {@code
 * /%62} and {@code /b} are one object, and a purge of {@code /b} removes it.
 *
 * <p>Characters RFC 3986 does not allow in a URI (space, {@code " < > \ ^ `} and braces, the
 * vertical bar, bytes over 0x7F) are percent-encoded, as browsers send them, so their raw and
 * encoded forms are one object too. A target with a control character, a fragment ({@code #}) or a
 * malformed escape ({@code %} not followed by two hex digits) is invalid.
 *
 * <p>A target that is already in normal form (the common case: no {@code %}, no dot segment, only
 * allowed characters) is returned as the same instance, without allocating.
 */
public final class Targets {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Per ASCII character: 0 = allowed as is, 1 = needs work (escape, dot, encode), 2 = invalid. */
  private static final byte[] CLASS = new byte[128];

  static {
    for (int c = 0; c < 128; c++) {
      boolean plain =
          c >= 'a' && c <= 'z'
              || c >= 'A' && c <= 'Z'
              || c >= '0' && c <= '9'
              || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
      CLASS[c] = (byte) (c < 0x20 || c == 0x7F || c == '#' ? 2 : plain ? 0 : 1);
    }
    CLASS['.'] = 1; // a dot may start a dot segment
  }

  private Targets() {}

  /**
   * The normal form of {@code target} (origin-form, starting with {@code /}), or null when it is
   * not a valid origin-form target.
   */
  public static String normalize(String target) {
    int n = target.length();
    if (n == 0 || target.charAt(0) != '/') {
      return null;
    }
    int query = -1;
    for (int i = 0; i < n; i++) {
      char c = target.charAt(i);
      if (c >= 128) {
        return slow(target);
      }
      byte k = CLASS[c];
      if (k == 2) {
        return null;
      }
      if (k == 1 && !(c == '.' && (query >= 0 || !dotSegmentAt(target, i)))) {
        return slow(target);
      }
      if (c == '?' && query < 0) {
        query = i;
      }
    }
    return target;
  }

  /** True when the dot at {@code i} starts a {@code .} or {@code ..} path segment. */
  private static boolean dotSegmentAt(String t, int i) {
    if (t.charAt(i - 1) != '/') {
      return false;
    }
    int end = i + 1 < t.length() && t.charAt(i + 1) == '.' ? i + 2 : i + 1;
    return end == t.length() || t.charAt(end) == '/' || t.charAt(end) == '?';
  }

  private static String slow(String target) {
    StringBuilder path = new StringBuilder(target.length() + 8);
    int n = target.length();
    int i = 0;
    boolean inQuery = false;
    StringBuilder out = path;
    StringBuilder query = null;
    while (i < n) {
      char c = target.charAt(i);
      if (c == '?' && !inQuery) {
        inQuery = true;
        query = new StringBuilder(n - i);
        out = query;
        out.append('?');
        i++;
        continue;
      }
      if (c == '%') {
        if (i + 2 >= n) {
          return null;
        }
        int hi = Character.digit(target.charAt(i + 1), 16);
        int lo = Character.digit(target.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        int b = hi << 4 | lo;
        if (unreserved(b)) {
          out.append((char) b);
        } else {
          out.append('%').append(HEX[hi]).append(HEX[lo]);
        }
        i += 3;
        continue;
      }
      if (c >= 128) {
        byte[] utf8 =
            c <= 0xFF
                ? new byte[] {(byte) c}
                : String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : utf8) {
          out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        i++;
        continue;
      }
      if (CLASS[c] == 2) {
        return null;
      }
      if (CLASS[c] == 1 && c != '.') {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
      } else {
        out.append(c);
      }
      i++;
    }
    String p = removeDotSegments(path.toString());
    return query == null ? p : p + query;
  }

  private static boolean unreserved(int b) {
    return b >= 'a' && b <= 'z'
        || b >= 'A' && b <= 'Z'
        || b >= '0' && b <= '9'
        || b == '-'
        || b == '.'
        || b == '_'
        || b == '~';
  }

  /** RFC 3986 5.2.4 on an absolute path. */
  static String removeDotSegments(String in) {
    if (in.indexOf("/.") < 0) {
      return in;
    }
    java.util.ArrayDeque<String> segments = new java.util.ArrayDeque<>();
    String[] parts = in.substring(1).split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      boolean last = i == parts.length - 1;
      if (s.equals(".")) {
        if (last) {
          segments.addLast("");
        }
      } else if (s.equals("..")) {
        segments.pollLast();
        if (last) {
          segments.addLast("");
        }
      } else {
        segments.addLast(s);
      }
    }
    return "/" + String.join("/", segments);
  }
}
